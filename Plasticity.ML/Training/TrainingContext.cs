using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>What a <see cref="TrainingHook"/> sees: the network, its optimizer, where training is, and the batch.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(PlasticNetwork network, IPlasticOptimizer optimizer, TrainingObjective objective, ContinualTrainingOptions options)
    {
        Network = network;
        Optimizer = optimizer;
        Objective = objective;
        Options = options;
    }

    /// <summary>The network being trained.</summary>
    public PlasticNetwork Network { get; }

    /// <summary>Its optimizer. A hook may replace state through <see cref="IPlasticOptimizer.ResetState()"/>.</summary>
    public IPlasticOptimizer Optimizer { get; }

    /// <summary>Loss and target handling.</summary>
    public TrainingObjective Objective { get; }

    /// <summary>The options of the run.</summary>
    public ContinualTrainingOptions Options { get; }

    /// <summary>The current task (null before the first task starts).</summary>
    public SupervisedTask? Task { get; internal set; }

    /// <summary>Index of the current task.</summary>
    public int TaskIndex { get; internal set; }

    /// <summary>Steps taken in the current task.</summary>
    public int StepInTask { get; internal set; }

    /// <summary>Steps taken since the start of the run.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>Inputs of the current mini-batch (valid during a step).</summary>
    public Tensor? BatchInputs { get; internal set; }

    /// <summary>Prepared targets of the current mini-batch (valid during a step).</summary>
    public Tensor? BatchTargets { get; internal set; }

    /// <summary>
    /// Recomputes the training loss on the current mini-batch with the network's current weights, without the
    /// hooks' extra loss terms (SAM's second gradient evaluation uses it).
    /// </summary>
    public Tensor ComputeBatchLoss()
    {
        if (BatchInputs is null || BatchTargets is null) throw new InvalidOperationException("No mini-batch is active.");
        using var scope = NewDisposeScope();
        var output = Network.forward(BatchInputs);
        return Objective.ComputeLoss(output, BatchTargets).MoveToOuterDisposeScope();
    }

    /// <summary>The run's seed; hooks derive their own streams from it with <see cref="Common.SeedSequence"/>.</summary>
    public long Seed => Options.Seed;
}
