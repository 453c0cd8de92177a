using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// What a tuner asks the experiment to run: a parameter set, how far to train it (<see cref="Fidelity"/>), and where
/// to start from (<see cref="ResumeFrom"/>). Serializable, so a search history can hold it.
/// </summary>
public sealed record TrialProposal
{
    /// <summary>The trial's id, unique within one tuner (0, 1, 2, ... in proposal order).</summary>
    public required int Id { get; init; }

    /// <summary>The parameters, in real units; apply them with <see cref="SearchSpace.Apply{T}(T, ParameterSet)"/>.</summary>
    public required ParameterSet Parameters { get; init; }

    /// <summary>
    /// How far to train, in the experiment's fidelity unit (windows, tasks or steps), counted from the start of the
    /// stream: the trial ends having trained up to this point. Null asks for the experiment's full budget (the
    /// single-fidelity tuners: random, grid, cost-frugal).
    /// </summary>
    public long? Fidelity { get; init; }

    /// <summary>
    /// The trial whose final weights and optimizer state this trial starts from, or null to start from scratch.
    /// Population-based training sets it to the member's own last trial, or, when the member exploits, to a better
    /// member's last trial (the exploit source; its parameters are then perturbed). Successive halving sets it to the
    /// same configuration's trial on the rung below, so a promoted configuration can continue instead of retraining
    /// (an experiment without checkpoints may retrain from scratch to <see cref="Fidelity"/>; the result is the same
    /// in expectation).
    /// </summary>
    public int? ResumeFrom { get; init; }

    /// <summary>The fidelity the <see cref="ResumeFrom"/> trial reached (0 from scratch): train from here to <see cref="Fidelity"/>.</summary>
    public long StartFidelity { get; init; }
}
