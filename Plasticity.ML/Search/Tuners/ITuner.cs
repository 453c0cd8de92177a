namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// A tuner: proposes trials and learns from their results. Two methods, like ML.NET AutoML's <c>ITuner</c>, shaped
/// for parallel, multi-fidelity and population-based search: several proposals may be running at once, a proposal
/// carries a fidelity and a checkpoint to start from, and results may arrive in any order.
/// </summary>
public interface ITuner
{
    /// <summary>
    /// The next trial to run, or null when the tuner has nothing to propose until a running trial reports (a
    /// population waiting for its generation, a local search waiting for its start point). Null while no proposal is
    /// running means the tuner is finished (a grid that is exhausted, a population that reached its last fidelity).
    /// </summary>
    TrialProposal? Propose();

    /// <summary>
    /// Reports how a proposed trial ended. Throws <see cref="ArgumentException"/> for an id that was not proposed or
    /// was already reported, or for an invalid result (see <see cref="TrialResult.Validate"/>).
    /// </summary>
    void Update(TrialResult result);
}
