using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Search.Runners;

/// <summary>
/// Runs trials for a search: takes a <see cref="TrialSpec"/>, runs it somewhere (this process, a worker process, a
/// cluster) through <see cref="TrialExecutor.Execute"/>, and returns its <see cref="TrialOutcome"/>. The search calls
/// <see cref="RunAsync"/> concurrently, up to the smaller of its degree of parallelism and <see cref="Capacity"/>.
/// </summary>
/// <remarks>
/// The contract, which the search relies on to keep its history exact:
/// <list type="bullet">
/// <item>A trial that fails (an exception in it, a NaN, a worker that crashed) is returned as a
/// <see cref="Tuners.TrialStatus.Failed"/> outcome with the reason; it is never retried by the runner, and never
/// thrown.</item>
/// <item>When <c>cancellationToken</c> is cancelled, the runner stops the trial (kills its worker) and throws
/// <see cref="OperationCanceledException"/>; the search then records nothing for it and runs it again when resumed.</item>
/// <item>Any other exception means the runner itself cannot work (a worker command that does not start, a cluster that
/// cannot be reached after the runner's own retries); the search stops with it, and the trial stays pending.</item>
/// <item>A runner that moves a trial elsewhere (a silo that died) may run it again, but returns exactly one outcome.</item>
/// </list>
/// </remarks>
public interface ITrialRunner
{
    /// <summary>How many trials the runner can run at once (a process pool's workers, a cluster's cores).</summary>
    int Capacity { get; }

    /// <summary>Runs one trial to its end (see the interface remarks for failures and cancellation).</summary>
    /// <param name="spec">The trial.</param>
    /// <param name="cancellationToken">Stops the trial; then <see cref="OperationCanceledException"/> is thrown.</param>
    Task<TrialOutcome> RunAsync(TrialSpec spec, CancellationToken cancellationToken);
}
