namespace Plasticity.ML.Search.Runners;

/// <summary>Settings of a <see cref="ProcessPoolTrialRunner"/>.</summary>
public sealed record ProcessPoolOptions
{
    /// <summary>How a worker is started; null for the running application (<see cref="TrialWorkerCommand.CurrentApp"/>).</summary>
    public TrialWorkerCommand? WorkerCommand { get; init; }

    /// <summary>Worker processes at once (one trial each); default: one per core.</summary>
    public int MaxWorkers { get; init; } = System.Environment.ProcessorCount;

    /// <summary>Where each trial's spec and outcome files go while it runs; null for a folder under the system's temp folder.</summary>
    public string? WorkFolder { get; init; }

    /// <summary>Environment variables set in every worker (added to this process's).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Check once, before the first trial, that the command answers as a trial worker (recommended: a command that is not a worker fails clearly instead of running the app once per trial).</summary>
    public bool CheckWorker { get; init; } = true;

    /// <summary>How long the check may take (start-up included).</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (MaxWorkers < 1) throw new ArgumentException($"{nameof(MaxWorkers)} must be at least 1; got {MaxWorkers}.");
        if (WorkerCommand is not null && string.IsNullOrWhiteSpace(WorkerCommand.FileName)) throw new ArgumentException($"{nameof(WorkerCommand)} must name an executable.");
        if (CheckTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(CheckTimeout)} must be positive; got {CheckTimeout}.");
        ArgumentNullException.ThrowIfNull(Environment, nameof(Environment));
    }
}
