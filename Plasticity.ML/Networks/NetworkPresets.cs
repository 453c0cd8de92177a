namespace Plasticity.ML.Networks;

/// <summary>
/// The Q-networks of the reinforcement-learning literature as <see cref="NetworkSpec"/>s, so that every normalization,
/// activation and head option of the core applies to them (<c>NetworkPresets.MinAtar(4, 6) with { Normalization =
/// NormalizationKind.LayerNorm }</c>).
/// </summary>
public static class NetworkPresets
{
    /// <summary>
    /// The network of MinAtar's reference DQN (Young and Tian 2019): one 3x3 convolution with 16 channels, stride 1 and
    /// no padding over the <c>[channels, 10, 10]</c> grid (so 16 x 8 x 8 = 1,024 features), a hidden layer of 128 units,
    /// and one output per action. The grid's object planes are mostly empty, so the convolution runs sparse
    /// (<see cref="NetworkSpec.SparseInput"/>).
    /// </summary>
    /// <param name="channels">Observation channels (4 for Breakout and Asterix, 7 Freeway, 10 Seaquest, 6 Space Invaders).</param>
    /// <param name="actions">Number of actions (MinAtar's full set is 6).</param>
    /// <param name="gridSize">Height and width of the grid (10 in MinAtar).</param>
    public static NetworkSpec MinAtar(int channels, int actions, int gridSize = 10) => new()
    {
        Architecture = NetworkArchitecture.Cnn,
        InputShape = [channels, gridSize, gridSize],
        ConvChannels = [16],
        ConvKernels = [3],
        ConvStrides = [1],
        ConvPaddings = [0],
        SparseInput = true,
        HiddenWidths = [128],
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = actions },
    };

    /// <summary>
    /// The Nature DQN network (Mnih et al. 2015) for Atari frames: convolutions 8x8 stride 4 (32 channels), 4x4 stride 2
    /// (64) and 3x3 stride 1 (64), no padding, over <c>[frames, 84, 84]</c> (so 64 x 7 x 7 = 3,136 features), a hidden
    /// layer of 512 units, and one output per action.
    /// </summary>
    /// <param name="actions">Number of actions (18 for ALE's full set).</param>
    /// <param name="frames">Stacked frames (channels of the input).</param>
    /// <param name="frameSize">Height and width of a preprocessed frame.</param>
    public static NetworkSpec NatureCnn(int actions, int frames = 4, int frameSize = 84) => new()
    {
        Architecture = NetworkArchitecture.Cnn,
        InputShape = [frames, frameSize, frameSize],
        ConvChannels = [32, 64, 64],
        ConvKernels = [8, 4, 3],
        ConvStrides = [4, 2, 1],
        ConvPaddings = [0, 0, 0],
        HiddenWidths = [512],
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = actions },
    };

    /// <summary>
    /// A categorical (C51) head: for each of <paramref name="actions"/> actions a distribution over <paramref name="atoms"/>
    /// evenly spaced returns on [<paramref name="minimum"/>, <paramref name="maximum"/>], whose expectation is the
    /// Q-value. It is the core's <see cref="HeadKind.TwoHot"/> head (same logits, support and decoding); C51 trains it
    /// with the categorical projection of its target distribution (<see cref="CategoricalProjection"/>). The defaults are
    /// C51's Atari settings (51 atoms on [-10, 10]).
    /// </summary>
    public static HeadSpec Categorical(int actions, int atoms = 51, double minimum = -10, double maximum = 10) => new()
    {
        Kind = HeadKind.TwoHot,
        Outputs = actions,
        Bins = atoms,
        Min = minimum,
        Max = maximum,
    };
}
