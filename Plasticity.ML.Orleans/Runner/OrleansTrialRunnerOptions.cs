namespace Plasticity.ML.Orleans.Runner;

/// <summary>Settings of an <see cref="OrleansTrialRunner"/>.</summary>
public sealed record OrleansTrialRunnerOptions
{
    /// <summary>
    /// The trials the runner says it can run at once (<see cref="OrleansTrialRunner.Capacity"/>); null for the slots the
    /// cluster's silos offer, kept current as silos join and leave. A search reads it once when it starts: set it (and the
    /// search's parallelism) above the slots of the silos up at the start to use silos that join later; trials beyond the
    /// free slots wait in the runner for a slot.
    /// </summary>
    public int? Capacity { get; init; }

    /// <summary>How many silos that run trials <see cref="OrleansTrialRunner.ConnectAsync"/> waits for.</summary>
    public int MinSilos { get; init; } = 1;

    /// <summary>How long <see cref="OrleansTrialRunner.ConnectAsync"/> waits for <see cref="MinSilos"/> silos.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Placements of one trial when the silos running it die (a lost attempt: its silo left the cluster, stopped it, or did
    /// not answer about it for <see cref="UnreachableTimeout"/>). The trial is then recorded as failed with every loss
    /// named, never retried forever: a trial that brings its silo down fails like a worker process that crashed. Refusals
    /// (a silo that cannot reach the data) do not count: the trial goes to another silo.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The longest a silo holds one "has it ended?" call (the search asks again at once; every call renews the attempt's lease on the silo).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How much longer than its own wait a call to a silo may take before it counts as unanswered.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the runner reads the cluster's membership (silos that joined, silos declared dead).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo that is still a member may leave calls about a trial unanswered before the trial counts as lost
    /// (and is asked to stop there), and how long the runner may be cut off from the whole cluster before it gives up
    /// (the search stops; its trials in flight run again when it resumes).
    /// </summary>
    public TimeSpan UnreachableTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a trial waits for a silo when the cluster has none that can run it, before the runner gives up.</summary>
    public TimeSpan NoSiloTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a cancelled trial's silo may take to confirm that the trial stopped.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Capacity is < 1) throw new ArgumentException($"{nameof(Capacity)} must be at least 1 (or null for the cluster's slots); got {Capacity}.");
        if (MinSilos < 1) throw new ArgumentException($"{nameof(MinSilos)} must be at least 1; got {MinSilos}.");
        if (MaxAttempts < 1) throw new ArgumentException($"{nameof(MaxAttempts)} must be at least 1; got {MaxAttempts}.");
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        Positive(PollInterval, nameof(PollInterval));
        Positive(CallTimeout, nameof(CallTimeout));
        Positive(RefreshInterval, nameof(RefreshInterval));
        Positive(UnreachableTimeout, nameof(UnreachableTimeout));
        Positive(NoSiloTimeout, nameof(NoSiloTimeout));
        Positive(CancelTimeout, nameof(CancelTimeout));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) throw new ArgumentException($"{name} must be positive; got {value}.");
    }
}
