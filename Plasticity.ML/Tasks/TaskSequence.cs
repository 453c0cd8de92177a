using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tasks;

/// <summary>
/// A nonstationary sequence of tasks over one data set. Task <c>t</c> is a pure function of the spec's seed and
/// <c>t</c>: creating it twice gives identical targets. Build one with <see cref="Create"/>.
/// </summary>
public sealed class TaskSequence
{
    private readonly int[][] labelsByTask;
    private readonly int[][]? inputPermutations;

    private TaskSequence(TaskSequenceSpec spec, ImageDataset data)
    {
        Spec = spec;
        Data = data;
        labelsByTask = new int[spec.Tasks][];
        if (spec.Kind == TaskSequenceKind.PermutedInputs) inputPermutations = new int[spec.Tasks][];
    }

    /// <summary>Builds the sequence described by <paramref name="spec"/> over <paramref name="data"/>.</summary>
    public static TaskSequence Create(TaskSequenceSpec spec, ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        spec.Validate();
        return new TaskSequence(spec, data);
    }

    /// <summary>The description.</summary>
    public TaskSequenceSpec Spec { get; }

    /// <summary>The data the tasks are drawn on.</summary>
    public ImageDataset Data { get; }

    /// <summary>Number of tasks.</summary>
    public int TaskCount => Spec.Tasks;

    /// <summary>Kind of targets every task has.</summary>
    public TargetKind TargetKind => Spec.Kind is TaskSequenceKind.RandomRegression or TaskSequenceKind.TargetOffsetDrift
        ? TargetKind.Regression
        : TargetKind.ClassLabels;

    /// <summary>Number of classes (label tasks) or regression outputs.</summary>
    public int OutputCount => TargetKind == TargetKind.ClassLabels ? Data.ClassCount : Spec.RegressionOutputs;

    /// <summary>Creates task <paramref name="index"/>.</summary>
    public SupervisedTask CreateTask(int index)
    {
        if (index < 0 || index >= TaskCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Task index must lie in [0, {TaskCount}).");
        using var scope = NewDisposeScope();
        Tensor inputs = InputsFor(index);
        Tensor targets = TargetKind == TargetKind.ClassLabels
            ? tensor(LabelsFor(index).Select(l => (long)l).ToArray())
            : RegressionTargets(index, inputs);
        return new SupervisedTask(index, inputs.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), TargetKind,
            TargetKind == TargetKind.ClassLabels ? Data.ClassCount : 0);
    }

    /// <summary>The class labels of task <paramref name="index"/> (label sequences only).</summary>
    public int[] LabelsFor(int index)
    {
        if (TargetKind != TargetKind.ClassLabels)
            throw new InvalidOperationException($"A {Spec.Kind} sequence has regression targets, not labels.");
        if (labelsByTask[index] is { } cached) return cached;
        int classes = Data.ClassCount;
        int[] labels;
        switch (Spec.Kind)
        {
            case TaskSequenceKind.RandomLabels:
                labels = RandomLabels(Spec.Seed, index, Data.Count, classes);
                break;
            case TaskSequenceKind.ClassPermutation:
            {
                var permutation = ClassPermutation(index);
                labels = Data.Labels.Select(l => permutation[l]).ToArray();
                break;
            }
            case TaskSequenceKind.PermutedInputs:
                labels = Data.Labels;
                break;
            case TaskSequenceKind.PartialRelabel:
                labels = index == 0 ? (int[])Data.Labels.Clone() : Relabel(LabelsFor(index - 1), index);
                break;
            default:
                throw new InvalidOperationException($"Unknown label sequence {Spec.Kind}.");
        }
        labelsByTask[index] = labels;
        return labels;
    }

    /// <summary>
    /// The labels of task <paramref name="task"/> of a random-label sequence with seed <paramref name="seed"/>: each of
    /// <paramref name="count"/> samples gets a uniformly random class. The classification MDP's random-label variant
    /// draws its tasks here too, so the same seed labels the same images alike in both.
    /// </summary>
    public static int[] RandomLabels(long seed, int task, int count, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var random = SeedSequence.CreateRandom(seed, "random-labels", task);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = random.Next(classes);
        return labels;
    }

    /// <summary>The class permutation of task <paramref name="index"/> of a <see cref="TaskSequenceKind.ClassPermutation"/> sequence.</summary>
    public int[] ClassPermutation(int index) =>
        SeedSequence.CreateRandom(Spec.Seed, "class-permutation", index).Permutation(Data.ClassCount);

    /// <summary>The input permutation of task <paramref name="index"/> (identity for task 0) of a <see cref="TaskSequenceKind.PermutedInputs"/> sequence.</summary>
    public int[] InputPermutation(int index)
    {
        if (inputPermutations is null) throw new InvalidOperationException($"A {Spec.Kind} sequence does not permute inputs.");
        return inputPermutations[index] ??= index == 0
            ? Enumerable.Range(0, Data.ImageSize).ToArray()
            : SeedSequence.CreateRandom(Spec.Seed, "input-permutation", index).Permutation(Data.ImageSize);
    }

    private int[] Relabel(int[] previous, int index)
    {
        // Exactly round(eps * N) samples get a label different from their current one, so that the
        // fraction that changes is eps itself, not eps * (C - 1) / C.
        var random = SeedSequence.CreateRandom(Spec.Seed, "partial-relabel", index);
        int changes = (int)Math.Round(Spec.RelabelFraction * previous.Length);
        var labels = (int[])previous.Clone();
        var chosen = random.Permutation(previous.Length).AsSpan(0, changes);
        int classes = Data.ClassCount;
        foreach (int i in chosen)
        {
            int shift = 1 + random.Next(classes - 1);
            labels[i] = (labels[i] + shift) % classes;
        }
        return labels;
    }

    private Tensor InputsFor(int index)
    {
        var inputs = Data.InputsTensor();
        if (Spec.Kind != TaskSequenceKind.PermutedInputs || index == 0) return inputs;
        // Both held until index_select returns (a tensor nothing references can be finalized mid-call).
        using (inputs)
        using (var permutation = tensor(InputPermutation(index).Select(i => (long)i).ToArray()))
            return inputs.index_select(1, permutation);
    }

    private Tensor RegressionTargets(int index, Tensor inputs)
    {
        // Computed in float64: sin(1e5 * z) is meaningless after float32 rounding of z.
        long functionIndex = Spec.Kind == TaskSequenceKind.TargetOffsetDrift ? 0 : index;
        double offset = Spec.Kind == TaskSequenceKind.TargetOffsetDrift
            ? index * Spec.OffsetStep
            : SeedSequence.CreateRandom(Spec.Seed, "regression-offset", index).NextUniform(-Spec.OffsetRange, Spec.OffsetRange);
        var spec = new NetworkSpec
        {
            InputShape = [Data.ImageSize],
            HiddenWidths = Spec.TargetNetworkWidths,
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = Spec.RegressionOutputs },
        };
        using var target = NetworkFactory.Create(spec, SeedSequence.Derive(Spec.Seed, "regression-target", functionIndex));
        return SineTargets.Compute(target, inputs, Spec.Frequency, offset);
    }
}
