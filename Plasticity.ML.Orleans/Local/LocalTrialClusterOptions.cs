using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Orleans.Silo;
using Plasticity.ML.Search.Runners;

namespace Plasticity.ML.Orleans.Local;

/// <summary>Settings of a <see cref="LocalTrialCluster"/>.</summary>
public sealed record LocalTrialClusterOptions
{
    /// <summary>Silo processes to start (at least 1).</summary>
    public int Silos { get; init; } = 2;

    /// <summary>How each silo runs trials; null for one slot per silo's share of the cores (at least 1), each trial in a worker process.</summary>
    public TrialSiloOptions? Trials { get; init; }

    /// <summary>
    /// The program started for each silo: it must call <see cref="Hosting.TrialSilo.RunIfRequested"/> (and, for trials in
    /// worker processes, <see cref="TrialWorker.RunIfRequested"/>) first thing in <c>Main</c>; null for the running application.
    /// </summary>
    public TrialWorkerCommand? Command { get; init; }

    /// <summary>The cluster's id; null for a new one per cluster (so two local clusters never meet).</summary>
    public string? ClusterId { get; init; }

    /// <summary>How long the silos may take to start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The runner's settings (its <see cref="OrleansTrialRunnerOptions.MinSilos"/> is set to <see cref="Silos"/>).</summary>
    public OrleansTrialRunnerOptions Runner { get; init; } = new();

    /// <summary>Environment variables set in every silo process (added to this process's).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Silos < 1) throw new ArgumentException($"{nameof(Silos)} must be at least 1; got {Silos}.");
        Trials?.Validate();
        if (Command is not null && string.IsNullOrWhiteSpace(Command.FileName)) throw new ArgumentException($"{nameof(Command)} must name an executable.");
        if (StartTimeout <= TimeSpan.Zero) throw new ArgumentException($"{nameof(StartTimeout)} must be positive; got {StartTimeout}.");
        ArgumentNullException.ThrowIfNull(Runner, nameof(Runner));
        Runner.Validate();
        ArgumentNullException.ThrowIfNull(Environment, nameof(Environment));
    }
}
