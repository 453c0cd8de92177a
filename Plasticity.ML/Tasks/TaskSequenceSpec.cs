using System.Text.Json.Serialization;

namespace Plasticity.ML.Tasks;

/// <summary>The kinds of nonstationary task sequence (see the glossary in DESIGN.md).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskSequenceKind>))]
public enum TaskSequenceKind
{
    /// <summary>Every task draws a new uniformly random label for every sample.</summary>
    RandomLabels,

    /// <summary>Every task relabels classes through its own random permutation of the classes.</summary>
    ClassPermutation,

    /// <summary>Every task applies its own random permutation to the input features (task 0 is unpermuted); labels are true.</summary>
    PermutedInputs,

    /// <summary>Every task regresses to <c>a_t + sin(k * f(x; w_t))</c> with a fresh random network <c>w_t</c> and offset <c>a_t</c>.</summary>
    RandomRegression,

    /// <summary>A fixed target function <c>sin(k * f(x; w_0))</c> plus an offset that grows by a fixed step each task.</summary>
    TargetOffsetDrift,

    /// <summary>Starting from the true labels, each task re-draws the labels of a fraction eps of the samples.</summary>
    PartialRelabel,
}

/// <summary>A serializable description of a task sequence over a data set.</summary>
public sealed record TaskSequenceSpec
{
    /// <summary>Which sequence.</summary>
    public TaskSequenceKind Kind { get; init; } = TaskSequenceKind.RandomLabels;

    /// <summary>Number of tasks.</summary>
    public int Tasks { get; init; } = 10;

    /// <summary>Seed of every random choice of the sequence (labels, permutations, target networks).</summary>
    public long Seed { get; init; }

    /// <summary>Fraction of samples relabelled per task (<see cref="TaskSequenceKind.PartialRelabel"/>).</summary>
    public double RelabelFraction { get; init; } = 0.1;

    /// <summary>Frequency k of the sine targets. 1e5 (the probe's) makes the targets effectively random per sample.</summary>
    public double Frequency { get; init; } = 1e5;

    /// <summary>Offsets a_t of <see cref="TaskSequenceKind.RandomRegression"/> are drawn uniformly from ±this value.</summary>
    public double OffsetRange { get; init; }

    /// <summary>Per-task offset increment of <see cref="TaskSequenceKind.TargetOffsetDrift"/>.</summary>
    public double OffsetStep { get; init; } = 1.0;

    /// <summary>Number of regression outputs of the regression sequences.</summary>
    public int RegressionOutputs { get; init; } = 1;

    /// <summary>Hidden widths of the random target network f(x; w).</summary>
    public int[] TargetNetworkWidths { get; init; } = [64];

    /// <summary>Checks the spec and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Tasks <= 0) throw new ArgumentException($"{nameof(Tasks)} must be positive; got {Tasks}.");
        if (RelabelFraction is < 0 or > 1 || double.IsNaN(RelabelFraction))
            throw new ArgumentException($"{nameof(RelabelFraction)} must lie in [0, 1]; got {RelabelFraction}.");
        if (!double.IsFinite(Frequency)) throw new ArgumentException($"{nameof(Frequency)} must be finite; got {Frequency}.");
        if (RegressionOutputs <= 0) throw new ArgumentException($"{nameof(RegressionOutputs)} must be positive; got {RegressionOutputs}.");
    }
}
