using Plasticity.ML.Search.Runners;

namespace Plasticity.ML.Orleans.Silo;

/// <summary>How a silo runs search trials (see <see cref="Hosting.SiloBuilderExtensions.AddPlasticityTrials"/>).</summary>
public sealed record TrialSiloOptions
{
    /// <summary>Trials the silo runs at once: one per core by default. Each trial should use one thread (the search's options set <c>Threads = 1</c>).</summary>
    public int Slots { get; init; } = Environment.ProcessorCount;

    /// <summary>Worker processes (the default, isolated) or dedicated threads of the silo.</summary>
    public TrialExecution Execution { get; init; } = TrialExecution.Processes;

    /// <summary>With <see cref="TrialExecution.Processes"/>: how a worker starts; null for the silo's own program (<see cref="TrialWorkerCommand.CurrentApp"/>).</summary>
    public TrialWorkerCommand? WorkerCommand { get; init; }

    /// <summary>With <see cref="TrialExecution.Processes"/>: where the workers' spec and outcome files go; null for a folder under the temp folder.</summary>
    public string? WorkFolder { get; init; }

    /// <summary>
    /// How long an attempt runs without the search asking about it before the silo stops it (the search asks every few
    /// seconds; a search that died leaves no trial running for longer than this), and how long a finished attempt's
    /// outcome is kept for a search that has not collected it yet.
    /// </summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a trial may take to stop once cancelled before the silo reports it stopped anyway.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Slots < 1) throw new ArgumentException($"{nameof(Slots)} must be at least 1; got {Slots}.");
        if (!Enum.IsDefined(Execution)) throw new ArgumentException($"{nameof(Execution)} must be {nameof(TrialExecution.Processes)} or {nameof(TrialExecution.Threads)}; got {Execution}.");
        if (WorkerCommand is not null && string.IsNullOrWhiteSpace(WorkerCommand.FileName)) throw new ArgumentException($"{nameof(WorkerCommand)} must name an executable.");
        if (LeaseTimeout < TimeSpan.FromSeconds(1)) throw new ArgumentException($"{nameof(LeaseTimeout)} must be at least 1 second; got {LeaseTimeout}.");
        if (StopTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(StopTimeout)} must be positive; got {StopTimeout}.");
    }
}
