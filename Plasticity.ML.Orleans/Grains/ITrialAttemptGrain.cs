using Orleans.Concurrency;
using Plasticity.ML.Orleans.Messages;

namespace Plasticity.ML.Orleans.Grains;

/// <summary>
/// One attempt at a trial on the silo it was placed on (the search picks the silo with a placement hint). The trial runs
/// off the grain scheduler, in the silo's <see cref="Silo.TrialSiloService"/>; the grain is only its address. The search
/// starts the attempt, then asks for its end with short waits: each wait renews the attempt's lease (a silo stops an
/// attempt nobody asks about, so a dead search leaves no trial running) and shows that the silo is alive.
/// </summary>
[Alias("Plasticity.ML.Orleans.ITrialAttemptGrain")]
public interface ITrialAttemptGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Starts the trial on this silo, or refuses it when the silo cannot read its data or reach its checkpoint folder
    /// (<see cref="TrialAttemptState.Refused"/>). Starting an attempt that already started only reports it.
    /// </summary>
    [Alias("Start")]
    Task<TrialAttemptReport> StartAsync(TrialWork work);

    /// <summary>Waits up to <paramref name="longest"/> for the trial to end and reports where it stands.</summary>
    [Alias("Wait"), AlwaysInterleave]
    Task<TrialAttemptReport> WaitAsync(TimeSpan longest);

    /// <summary>Stops the trial and waits up to <paramref name="longest"/> for it to stop (it stops between steps).</summary>
    [Alias("Cancel"), AlwaysInterleave]
    Task<TrialAttemptReport> CancelAsync(TimeSpan longest);
}
