using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.SearchSpace;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Settings shared by the plastic neural network trainers. Each trainer nests its own <c>Options</c> class deriving
/// from this one (ML.NET style); the values are plain and serializable, and <see cref="Defaults"/> holds the defaults.
/// </summary>
/// <remarks>
/// How a window (the whole data when there is no segment column) trains with the defaults: a
/// <see cref="ValidationFraction"/> of its rows is held out; the network trains in epochs of shuffled mini-batches on
/// the rest, for at least <see cref="MinimumSteps"/> optimizer steps and at most <see cref="Epochs"/> epochs, and
/// stops once the held-out loss has not improved for <see cref="EarlyStoppingPatience"/> epochs; the held-out rows rank
/// a moving average of the weights (<see cref="WeightAveragingEpochs"/>), and the best epoch's average (with that
/// epoch's optimizer state) is kept. A regression label is standardized for training (its mean and
/// standard deviation are part of the model, and scores come back in the label's units). docs/defaults.md records how
/// the defaults were chosen.
/// The options a search can sweep carry ML.NET's own <c>Microsoft.ML.SearchSpace</c> attributes (widths, activation,
/// normalization, batch size, epochs, and the optimizer's nested settings), read by Plasticity.ML's search space
/// (<c>SearchSpace.FromOptions(options)</c>) and usable by an ML.NET AutoML search space too. The optimizer's own
/// settings carry Plasticity.ML's attributes of the same shape, which only Plasticity.ML's reader sees.
/// </remarks>
public abstract class PlasticTrainerOptionsBase
{
    /// <summary>Default values of the options.</summary>
    public static class Defaults
    {
        /// <summary>Default hidden layer widths.</summary>
        public static readonly int[] HiddenWidths = [128, 128];

        /// <summary>Default normalization in the hidden layers: LayerNorm (trains better on tabular data here, and is the
        /// paper's strongest single fix for plasticity loss).</summary>
        public const NormalizationKind Normalization = NormalizationKind.LayerNorm;

        /// <summary>Default maximum number of passes over each window (early stopping usually ends training sooner).</summary>
        public const int Epochs = 500;

        /// <summary>Default mini-batch size.</summary>
        public const int BatchSize = 32;

        /// <summary>Default learning rate (Adam).</summary>
        public const double LearningRate = 1e-3;

        /// <summary>Default fraction of each window held out for early stopping.</summary>
        public const double ValidationFraction = 0.2;

        /// <summary>Default number of epochs without improvement of the held-out loss before training stops.</summary>
        public const int EarlyStoppingPatience = 20;

        /// <summary>Default factor of the learning rate at a plateau of the held-out loss.</summary>
        public const double PlateauLearningRateFactor = 1;

        /// <summary>Default least number of optimizer steps per window (small data trains for more epochs).</summary>
        public const int MinimumSteps = 500;

        /// <summary>Default span, in epochs, of the weight average that early stopping ranks and keeps.</summary>
        public const double WeightAveragingEpochs = 2;
    }

    /// <summary>Name of the feature column: a known-size vector of <see cref="Single"/>.</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Name of the label column.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>
    /// Optional example-weight column (<see cref="Single"/> or <see cref="Double"/>), as ML.NET's trainers take it:
    /// each row's loss counts with its weight. Weights must be finite and non-negative, and not all zero.
    /// </summary>
    public string? ExampleWeightColumnName { get; set; }

    /// <summary>
    /// Optional ordering/segment column (numeric or key). When set, one <c>Fit</c> trains over the rows window by
    /// window in data order, a new window starting wherever the value changes; interventions timed at task
    /// boundaries act between windows.
    /// </summary>
    public string? SegmentColumnName { get; set; }

    /// <summary>Widths of the hidden layers.</summary>
    /// <remarks>Searched as one width for every hidden layer (the depth stays as given).</remarks>
    [Range(16, 1024, 128, logBase: true)]
    public int[] HiddenWidths { get; set; } = [.. Defaults.HiddenWidths];

    /// <summary>Hidden activation.</summary>
    [Choice(new object[] { ActivationKind.ReLU, ActivationKind.LeakyReLU, ActivationKind.Tanh, ActivationKind.Gelu, ActivationKind.Sigmoid }, ActivationKind.ReLU)]
    public ActivationKind Activation { get; set; } = ActivationKind.ReLU;

    /// <summary>Normalization in every hidden layer (LayerNorm, the default, is the paper's strongest single plasticity fix).</summary>
    [Choice(new object[] { NormalizationKind.None, NormalizationKind.LayerNorm, NormalizationKind.BatchNorm }, NormalizationKind.LayerNorm)]
    public NormalizationKind Normalization { get; set; } = Defaults.Normalization;

    /// <summary>Interventions (resets, ReDo, L2-init, ...), applied in list order. Task-boundary interventions act
    /// between segment windows and at the start of a warm-started <c>Fit</c>.</summary>
    public List<InterventionSpec> Interventions { get; set; } = [];

    /// <summary>The optimizer and its settings.</summary>
    [NestOption]
    public OptimizerOptions Optimizer { get; set; } = new() { LearningRate = Defaults.LearningRate };

    /// <summary>
    /// Whether the trained model keeps the optimizer's state for a later warm-started <c>Fit(data, modelParameters)</c>,
    /// and whether saving the model writes it. A warm start resumes the previous model's state when this is not
    /// <see cref="OptimizerStateRetention.None"/> and the previous model has state (it must come from the same kind of
    /// optimizer); otherwise the optimizer starts afresh from the previous weights.
    /// </summary>
    public OptimizerStateRetention RetainOptimizerState { get; set; } = OptimizerStateRetention.None;

    /// <summary>Mini-batch size.</summary>
    [Range(8, 512, Defaults.BatchSize, logBase: true)]
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>
    /// Maximum number of passes over each window's training rows. Without early stopping
    /// (<see cref="ValidationFraction"/> = 0) exactly this many, or more when <see cref="MinimumSteps"/> asks for more.
    /// </summary>
    [Range(10, 1000, Defaults.Epochs, logBase: true)]
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>
    /// Fraction of each window's rows held out (at random, by the seed) to measure the loss after every epoch for early
    /// stopping. 0 turns early stopping off: every row trains for <see cref="Epochs"/> epochs. Windows with fewer than
    /// 20 rows always train without a held-out part.
    /// </summary>
    public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

    /// <summary>With early stopping, the number of epochs without a better held-out loss after which a window stops; the
    /// weights of the best epoch are kept.</summary>
    public int EarlyStoppingPatience { get; set; } = Defaults.EarlyStoppingPatience;

    /// <summary>
    /// With early stopping, the factor the learning rate is multiplied by when the held-out loss has not improved for
    /// half of <see cref="EarlyStoppingPatience"/> epochs (again at every such plateau; each window starts at the
    /// optimizer's learning rate). 1 keeps the learning rate constant.
    /// </summary>
    public double PlateauLearningRateFactor { get; set; } = Defaults.PlateauLearningRateFactor;

    /// <summary>
    /// With early stopping, the span in epochs (at least 10 optimizer steps) of an exponential moving average of the
    /// weights (Polyak averaging) kept beside the trained ones: the held-out rows rank the average after each epoch, and
    /// the best epoch's average is the model. It smooths out the noise of the last mini-batch steps. 0 keeps the trained
    /// weights themselves. No average is kept when <see cref="Interventions"/> is not empty: an intervention changes the
    /// weights on purpose (a reset, ReDo's recycled units, a plasticity injection), which an average would blur.
    /// </summary>
    public double WeightAveragingEpochs { get; set; } = Defaults.WeightAveragingEpochs;

    /// <summary>
    /// The least number of optimizer steps a window trains for, so that small data still converges (a 150-row window
    /// at batch 32 has 4 steps per epoch): the epoch count is raised until this many steps are reached, and early
    /// stopping never ends a window before it. 0 turns the floor off.
    /// </summary>
    public int MinimumSteps { get; set; } = Defaults.MinimumSteps;

    /// <summary>
    /// The seed of the initial weights, the held-out rows and the batch order. Null (the default) takes it from the
    /// <c>MLContext</c>'s seed, as ML.NET's trainers do: <c>new MLContext(seed: 1)</c> gives the same model every run.
    /// </summary>
    public long? Seed { get; set; }

    /// <summary>Torch device to train on, such as "cpu" or "cuda". The trained model always predicts on the CPU.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>The network spec these options describe, for <paramref name="inputSize"/> features and the given head.</summary>
    internal NetworkSpec CreateNetworkSpec(int inputSize, HeadSpec head) => new()
    {
        Architecture = NetworkArchitecture.Mlp,
        InputShape = [inputSize],
        HiddenWidths = [.. HiddenWidths],
        Activation = Activation,
        Normalization = Normalization,
        Head = head,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    internal virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw new ArgumentException($"{nameof(FeatureColumnName)} must be set.");
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new ArgumentException($"{nameof(LabelColumnName)} must be set.");
        if (ExampleWeightColumnName is not null && string.IsNullOrWhiteSpace(ExampleWeightColumnName))
            throw new ArgumentException($"{nameof(ExampleWeightColumnName)} must be null or a column name; got '{ExampleWeightColumnName}'.");
        if (HiddenWidths is null || HiddenWidths.Any(w => w <= 0)) throw new ArgumentException($"{nameof(HiddenWidths)} must hold positive widths.");
        if (BatchSize <= 0) throw new ArgumentException($"{nameof(BatchSize)} must be positive; got {BatchSize}.");
        if (Epochs <= 0) throw new ArgumentException($"{nameof(Epochs)} must be positive; got {Epochs}.");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"{nameof(ValidationFraction)} must lie in [0, 1); got {ValidationFraction.ToString(CultureInfo.InvariantCulture)}.");
        if (EarlyStoppingPatience <= 0) throw new ArgumentException($"{nameof(EarlyStoppingPatience)} must be positive; got {EarlyStoppingPatience}.");
        if (!(PlateauLearningRateFactor > 0 && PlateauLearningRateFactor <= 1))
            throw new ArgumentException($"{nameof(PlateauLearningRateFactor)} must lie in (0, 1]; got {PlateauLearningRateFactor.ToString(CultureInfo.InvariantCulture)}.");
        if (!(WeightAveragingEpochs >= 0 && double.IsFinite(WeightAveragingEpochs)))
            throw new ArgumentException($"{nameof(WeightAveragingEpochs)} must be a finite number >= 0; got {WeightAveragingEpochs.ToString(CultureInfo.InvariantCulture)}.");
        if (MinimumSteps < 0) throw new ArgumentException($"{nameof(MinimumSteps)} must be non-negative; got {MinimumSteps}.");
        if (!Enum.IsDefined(RetainOptimizerState)) throw new ArgumentException($"{nameof(RetainOptimizerState)} has the unknown value {(int)RetainOptimizerState}.");
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        Optimizer.Validate();
        ArgumentNullException.ThrowIfNull(Interventions, nameof(Interventions));
        foreach (var intervention in Interventions) intervention.Validate();
    }

    /// <summary>A plain snapshot of the training settings, stored in the model for reference, with the seed used.</summary>
    internal PlasticTrainingSettings Snapshot(long seed) =>
        new(BatchSize, Epochs, seed, Optimizer, [.. Interventions], ValidationFraction, EarlyStoppingPatience, MinimumSteps, PlateauLearningRateFactor, WeightAveragingEpochs);
}
