using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// A piece of behaviour that plugs into any learner's <see cref="TrainingSession"/> (the continual trainer, the ML.NET
/// trainers, the agents): interventions (resets, ReDo, L2-init, SAM, ...) and recorders (statistics at probe points).
/// Every method has a no-op default; hooks run in list order.
/// </summary>
/// <remarks>
/// The order within one step (<see cref="TrainingSession.Step(TorchSharp.torch.Tensor, Func{TorchSharp.torch.Tensor})"/>) is: the learner's loss, <see cref="AdditionalLoss"/>,
/// the finite check, backward, <see cref="AfterBackward"/>, optimizer step, <see cref="AfterStep"/>. Task boundaries call <see cref="OnTaskEnd"/> then, for the next task,
/// <see cref="OnTaskStart"/>.
/// </remarks>
public abstract class TrainingHook
{
    /// <summary>Once, before the first task, after the network and optimizer exist.</summary>
    public virtual void OnTrainingStart(TrainingContext context) { }

    /// <summary>When a task starts (<see cref="TrainingContext.TaskIndex"/> is the new task; 0 for the first).</summary>
    public virtual void OnTaskStart(TrainingContext context) { }

    /// <summary>A term to add to the loss of this step (e.g. an L2-init penalty), or null.</summary>
    public virtual Tensor? AdditionalLoss(TrainingContext context) => null;

    /// <summary>After gradients are computed, before the optimizer step (e.g. SAM re-evaluates them here).</summary>
    public virtual void AfterBackward(TrainingContext context) { }

    /// <summary>After the optimizer step.</summary>
    public virtual void AfterStep(TrainingContext context) { }

    /// <summary>When a task ends, before its evaluation and probe.</summary>
    public virtual void OnTaskEnd(TrainingContext context) { }

    /// <summary>At a probe point (the start of training and after each probed task): add statistics to <paramref name="record"/>.</summary>
    public virtual void OnProbePoint(TrainingContext context, ProbePointRecord record) { }

    /// <summary>
    /// For parameterizations (spectral normalization, weight clipping, normalize-and-project, Parseval regularization): a
    /// new hook that applies the same parameterization, continuing from this hook's current state, to a copy of the
    /// network that trains on its own (each target of the plasticity probe trains such a copy through a
    /// <see cref="TrainingSession"/> with these hooks), so the probe measures the network as it is actually trained.
    /// Null, the default, for everything else: schedules (resets, recycling), regularizers of the learning problem
    /// (L2-init, weight decay, SAM, churn reduction) and recorders do not act in the probe.
    /// </summary>
    public virtual TrainingHook? CreateProbeHook() => null;

    /// <summary>
    /// Writes what the hook has accumulated since <see cref="OnTrainingStart"/> (counters, anchors, utilities, random
    /// streams, recorded results) into <paramref name="state"/>, so that a run checkpointed now resumes exactly. The
    /// default writes nothing: right for hooks that keep no state between calls.
    /// </summary>
    public virtual void SaveState(StateBag state) { }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote. A resuming learner calls it after <see cref="OnTrainingStart"/> and
    /// after restoring the network's weights and the optimizer's state.
    /// </summary>
    public virtual void LoadState(StateBag state) { }
}
