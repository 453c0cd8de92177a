using Plasticity.ML.Orleans.Messages;
using Plasticity.ML.Orleans.Silo;

namespace Plasticity.ML.Orleans.Grains;

/// <summary>The attempt's address on its silo: every call goes to the silo's <see cref="TrialSiloService"/>, which holds the running trial.</summary>
/// <remarks>
/// The trial lives in the service, not in the grain, so an idle-collected grain activated again on the same silo still
/// finds it; an activation on another silo (its silo died) finds nothing and says <see cref="TrialAttemptState.Unknown"/>.
/// </remarks>
internal sealed class TrialAttemptGrain(TrialSiloService service) : Grain, ITrialAttemptGrain
{
    public Task<TrialAttemptReport> StartAsync(TrialWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Attempt != this.GetPrimaryKey())
            throw new ArgumentException($"The attempt {work.Attempt} was sent to the grain of attempt {this.GetPrimaryKey()}.", nameof(work));
        return service.StartAsync(work);
    }

    public async Task<TrialAttemptReport> WaitAsync(TimeSpan longest) => Ended(await service.WaitAsync(this.GetPrimaryKey(), longest));

    public async Task<TrialAttemptReport> CancelAsync(TimeSpan longest) => Ended(await service.CancelAsync(this.GetPrimaryKey(), longest));

    /// <summary>An attempt that ended needs its grain no more (the service keeps the report a while for a repeated question).</summary>
    private TrialAttemptReport Ended(TrialAttemptReport report)
    {
        if (report.State != TrialAttemptState.Running) DeactivateOnIdle();
        return report;
    }
}
