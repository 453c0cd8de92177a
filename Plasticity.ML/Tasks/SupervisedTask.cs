using static TorchSharp.torch;

namespace Plasticity.ML.Tasks;

/// <summary>What the targets of a task are.</summary>
public enum TargetKind
{
    /// <summary>Integer class labels, an int64 tensor <c>[N]</c>.</summary>
    ClassLabels,

    /// <summary>Real values, a float32 tensor <c>[N, outputs]</c>.</summary>
    Regression,
}

/// <summary>One task of a sequence: inputs and targets. Owns its tensors; dispose it when the task is over.</summary>
public sealed class SupervisedTask : IDisposable
{
    /// <summary>Creates a task.</summary>
    public SupervisedTask(int index, Tensor inputs, Tensor targets, TargetKind kind, int classCount)
    {
        Index = index;
        Inputs = inputs;
        Targets = targets;
        Kind = kind;
        ClassCount = classCount;
    }

    /// <summary>Position in the sequence, from 0.</summary>
    public int Index { get; }

    /// <summary>Inputs, float32 <c>[N, features]</c>.</summary>
    public Tensor Inputs { get; }

    /// <summary>Targets: labels <c>[N]</c> (int64) or values <c>[N, outputs]</c> (float32).</summary>
    public Tensor Targets { get; }

    /// <summary>Kind of targets.</summary>
    public TargetKind Kind { get; }

    /// <summary>Number of classes for label targets, else 0.</summary>
    public int ClassCount { get; }

    /// <summary>Number of samples.</summary>
    public int Count => (int)Inputs.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}
