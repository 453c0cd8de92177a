using System.Text.Json.Serialization;
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
        public static readonly int[] HiddenWidths = [64, 64];

        /// <summary>Default number of passes over each window of the training data.</summary>
        public const int Epochs = 10;

        /// <summary>Default mini-batch size.</summary>
        public const int BatchSize = 64;

        /// <summary>Default seed.</summary>
        public const long Seed = 0;

        /// <summary>Default learning rate (Adam).</summary>
        public const double LearningRate = 1e-3;
    }

    /// <summary>Name of the feature column: a known-size vector of <see cref="Single"/>.</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Name of the label column.</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>
    /// Optional ordering/segment column (numeric or key). When set, one <c>Fit</c> trains over the rows window by
    /// window in data order, a new window starting wherever the value changes; interventions timed at task
    /// boundaries act between windows.
    /// </summary>
    public string? SegmentColumnName { get; set; }

    /// <summary>Widths of the hidden layers.</summary>
    /// <remarks>Searched as one width for every hidden layer (the depth stays as given).</remarks>
    [Range(16, 1024, 64, logBase: true)]
    public int[] HiddenWidths { get; set; } = [.. Defaults.HiddenWidths];

    /// <summary>Hidden activation.</summary>
    [Choice(new object[] { ActivationKind.ReLU, ActivationKind.LeakyReLU, ActivationKind.Tanh, ActivationKind.Gelu, ActivationKind.Sigmoid }, ActivationKind.ReLU)]
    public ActivationKind Activation { get; set; } = ActivationKind.ReLU;

    /// <summary>Normalization in every hidden layer (LayerNorm is the paper's strongest single plasticity fix).</summary>
    [Choice(new object[] { NormalizationKind.None, NormalizationKind.LayerNorm, NormalizationKind.BatchNorm }, NormalizationKind.None)]
    public NormalizationKind Normalization { get; set; } = NormalizationKind.None;

    /// <summary>Interventions (resets, ReDo, L2-init, ...), applied in list order. Task-boundary interventions act
    /// between segment windows and at the start of a warm-started <c>Fit</c>.</summary>
    public List<InterventionSpec> Interventions { get; set; } = [];

    /// <summary>The optimizer and its settings.</summary>
    [NestOption]
    public OptimizerOptions Optimizer { get; set; } = new() { LearningRate = Defaults.LearningRate };

    /// <summary>
    /// Whether the trained model keeps the optimizer's state for a later warm-started <c>Fit(data, previousModel)</c>,
    /// and whether saving the model writes it. A warm start resumes the previous model's state when this is not
    /// <see cref="OptimizerStateRetention.None"/> and the previous model has state (it must come from the same kind of
    /// optimizer); otherwise the optimizer starts afresh from the previous weights.
    /// </summary>
    public OptimizerStateRetention RetainOptimizerState { get; set; } = OptimizerStateRetention.None;

    /// <summary>Mini-batch size.</summary>
    [Range(8, 512, Defaults.BatchSize, logBase: true)]
    public int BatchSize { get; set; } = Defaults.BatchSize;

    /// <summary>Passes over each window (the whole data when there is no segment column).</summary>
    [Range(1, 50, Defaults.Epochs, logBase: true)]
    public int Epochs { get; set; } = Defaults.Epochs;

    /// <summary>The one seed that decides initial weights and batch order.</summary>
    public long Seed { get; set; } = Defaults.Seed;

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
        if (HiddenWidths is null || HiddenWidths.Any(w => w <= 0)) throw new ArgumentException($"{nameof(HiddenWidths)} must hold positive widths.");
        if (BatchSize <= 0) throw new ArgumentException($"{nameof(BatchSize)} must be positive; got {BatchSize}.");
        if (Epochs <= 0) throw new ArgumentException($"{nameof(Epochs)} must be positive; got {Epochs}.");
        if (!Enum.IsDefined(RetainOptimizerState)) throw new ArgumentException($"{nameof(RetainOptimizerState)} has the unknown value {(int)RetainOptimizerState}.");
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        Optimizer.Validate();
        ArgumentNullException.ThrowIfNull(Interventions, nameof(Interventions));
        foreach (var intervention in Interventions) intervention.Validate();
    }

    /// <summary>A plain snapshot of the training settings, stored in the model for reference.</summary>
    internal TrainingSettings Snapshot() => new(BatchSize, Epochs, Seed, Optimizer, [.. Interventions]);
}

/// <summary>The training settings recorded in a saved model.</summary>
internal sealed record TrainingSettings(int BatchSize, int Epochs, long Seed, OptimizerOptions Optimizer,
    [property: JsonPropertyName("interventions")] List<InterventionSpec> Interventions);
