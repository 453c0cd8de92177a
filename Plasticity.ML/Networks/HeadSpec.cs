using System.Text.Json.Serialization;
using Plasticity.ML.Search;

namespace Plasticity.ML.Networks;

/// <summary>What the output layer predicts and which loss trains it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HeadKind>))]
public enum HeadKind
{
    /// <summary><see cref="HeadSpec.Outputs"/> real values trained with MSE or Huber.</summary>
    Regression,

    /// <summary><see cref="HeadSpec.Outputs"/> class logits trained with cross-entropy.</summary>
    Classification,

    /// <summary>Each of <see cref="HeadSpec.Outputs"/> values is a categorical distribution over
    /// <see cref="HeadSpec.Bins"/> fixed bins on [<see cref="HeadSpec.Min"/>, <see cref="HeadSpec.Max"/>], trained with
    /// cross-entropy against the two-hot encoding of the target; the prediction is its expectation.</summary>
    TwoHot,

    /// <summary>
    /// As <see cref="TwoHot"/>, but the target distribution is HL-Gauss (Farebrother et al. 2024, "Stop regressing:
    /// training value functions via classification for scalable deep RL", ICML): the probability mass a Gaussian of
    /// standard deviation <see cref="HeadSpec.SigmaRatio"/> x bin width, centred on the target, puts in each bin
    /// (see <see cref="HlGaussEncoding"/>).
    /// </summary>
    HlGauss,
}

/// <summary>The output head of a network.</summary>
public sealed record HeadSpec
{
    /// <summary>Kind of head.</summary>
    /// <remarks>Searched between a regression head and a two-hot head (PAPER.md's recipe for regression-like targets); a
    /// classification network leaves it out of the search (<c>SearchSpace.Without("Network.Head.Kind")</c>).</remarks>
    [Choice(new object[] { HeadKind.Regression, HeadKind.TwoHot }, HeadKind.Regression)]
    public HeadKind Kind { get; init; } = HeadKind.Regression;

    /// <summary>Number of predicted values (regression, two-hot, HL-Gauss) or classes (classification).</summary>
    public int Outputs { get; init; } = 1;

    /// <summary>Number of bins of a categorical (two-hot or HL-Gauss) head.</summary>
    public int Bins { get; init; } = 51;

    /// <summary>Lowest bin centre of a categorical head.</summary>
    public double Min { get; init; } = -2.0;

    /// <summary>Highest bin centre of a categorical head.</summary>
    public double Max { get; init; } = 2.0;

    /// <summary>
    /// HL-Gauss only: the Gaussian's standard deviation in bin widths. 0.75 is the paper's recommendation (it spreads
    /// the mass over about six neighbouring bins).
    /// </summary>
    public double SigmaRatio { get; init; } = 0.75;

    /// <summary>True for heads that predict a categorical distribution over bins per value (two-hot, HL-Gauss).</summary>
    [JsonIgnore]
    public bool IsCategorical => Kind is HeadKind.TwoHot or HeadKind.HlGauss;

    /// <summary>Width of the output layer: <c>Outputs * Bins</c> for categorical heads, else <c>Outputs</c>.</summary>
    [JsonIgnore]
    public int OutputLayerWidth => IsCategorical ? Outputs * Bins : Outputs;

    /// <summary>Checks the head and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"{nameof(Kind)} {(int)Kind} is not a head kind.");
        if (Outputs <= 0) throw new ArgumentException($"{nameof(Outputs)} must be positive; got {Outputs}.");
        if (Kind == HeadKind.Classification && Outputs < 2)
            throw new ArgumentException($"A classification head needs at least 2 classes; got {Outputs}.");
        if (IsCategorical)
        {
            if (Bins < 2) throw new ArgumentException($"A {Kind} head needs at least 2 {nameof(Bins)}; got {Bins}.");
            if (!(Max > Min) || double.IsInfinity(Min) || double.IsInfinity(Max))
                throw new ArgumentException($"A {Kind} head needs a finite range with {nameof(Min)} < {nameof(Max)}; got [{Min}, {Max}].");
        }
        if (Kind == HeadKind.HlGauss && (!(SigmaRatio > 0) || double.IsInfinity(SigmaRatio)))
            throw new ArgumentException($"An HL-Gauss head needs a finite, positive {nameof(SigmaRatio)}; got {SigmaRatio}.");
    }
}
