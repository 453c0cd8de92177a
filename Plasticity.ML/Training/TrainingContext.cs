using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// What a <see cref="TrainingHook"/> sees: the network, its optimizer, where training is, the step's mini-batch and
/// loss, and the observations the learner is learning from. It knows nothing of supervised tasks, replay buffers or
/// windows: every learner (the continual trainer, the ML.NET trainers, an RL agent, a loop of your own) fills it
/// through a <see cref="TrainingSession"/>, so every intervention works in all of them.
/// </summary>
public sealed class TrainingContext
{
    /// <summary>Creates the context of one network and its optimizer.</summary>
    /// <param name="network">The network being trained.</param>
    /// <param name="optimizer">The optimizer over its parameters.</param>
    /// <param name="seed">The run's seed; hooks derive their random streams from it.</param>
    public TrainingContext(PlasticNetwork network, IPlasticOptimizer optimizer, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Network = network;
        Optimizer = optimizer;
        Seed = seed;
    }

    /// <summary>The network being trained.</summary>
    public PlasticNetwork Network { get; }

    /// <summary>Its optimizer. A hook may replace state through <see cref="IPlasticOptimizer.ResetState()"/>.</summary>
    public IPlasticOptimizer Optimizer { get; }

    /// <summary>The run's seed; hooks derive their own streams from it with <see cref="Common.SeedSequence"/>.</summary>
    public long Seed { get; }

    /// <summary>Index of the current task (a supervised task, an ML.NET window, an RL target-network period).</summary>
    public int TaskIndex { get; internal set; }

    /// <summary>
    /// Index of the current stage: a longer segment of training on one data source, made of tasks (an agent's game in a
    /// continual chain). 0 for learners without stages.
    /// </summary>
    public int StageIndex { get; internal set; }

    /// <summary>True while the hooks' <see cref="TrainingHook.OnTaskStart"/> runs for a task that begins a new stage
    /// (every stage but the first); false at every other moment.</summary>
    public bool StartsStage { get; internal set; }

    /// <summary>Steps taken in the current task.</summary>
    public int StepInTask { get; internal set; }

    /// <summary>Steps taken since the start of the run.</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>
    /// The observations the learner currently learns from (the task's inputs; a replay buffer's observations), for
    /// hooks that need data beyond the mini-batch (ReDo measures dormancy on it, the statistics panel samples it);
    /// null when the learner provides none.
    /// </summary>
    public IObservationSource? Observations { get; internal set; }

    /// <summary>Inputs of the current mini-batch (valid during a step).</summary>
    public Tensor? BatchInputs { get; internal set; }

    /// <summary>
    /// The value of the learner's loss in the current step, without the hooks' extra terms (valid from
    /// <see cref="TrainingHook.AdditionalLoss"/> to <see cref="TrainingHook.AfterStep"/>; NaN outside a step). Hooks that
    /// scale their terms relative to the task loss read it (C-CHAIN's adaptive coefficient).
    /// </summary>
    public double StepLoss { get; internal set; } = double.NaN;

    /// <summary>The current step's loss function (valid during a step).</summary>
    internal Func<Tensor>? BatchLoss { get; set; }

    /// <summary>
    /// Evaluates the current step's loss function again with the network's current weights, without the hooks'
    /// extra loss terms (SAM's second gradient evaluation uses it). The tensors belong to the caller's dispose scope.
    /// </summary>
    /// <exception cref="InvalidOperationException">No step is running.</exception>
    public Tensor ComputeBatchLoss()
    {
        var loss = BatchLoss ?? throw new InvalidOperationException("No training step is running, so there is no mini-batch loss to evaluate.");
        return loss();
    }
}
