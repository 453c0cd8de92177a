namespace Plasticity.ML.Training;

/// <summary>
/// Where and how often a continual run checkpoints itself, so that a killed run, started again with the same
/// settings, continues from its last checkpoint instead of from step 0 (see <see cref="ContinualTrainer.Run(Tasks.TaskSequence, RunCheckpointing?, IProgress{TrainingProgress}?, CancellationToken)"/>).
/// </summary>
/// <remarks>
/// A checkpoint is written atomically at every task boundary (after the task's evaluation and probe) and, within a
/// task, whenever <see cref="Interval"/> has passed since the last one (and every <see cref="EverySteps"/> steps when
/// set). It holds the network, the optimizer's state, every hook's state (L2-init anchors, continual-backprop
/// utilities, counters), the mini-batch random stream and the metrics so far, so a resumed run ends with the same
/// numbers as an uninterrupted one, bit for bit. It is deleted when the run finishes. Settings that do not decide the
/// numbers (this class) are not part of the run's fingerprint.
/// </remarks>
public sealed record RunCheckpointing
{
    /// <summary>The checkpoint file (its previous generation is kept as <c>FILE.previous</c>).</summary>
    public required string Path { get; init; }

    /// <summary>Longest time between checkpoints within a task; default 5 minutes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Also checkpoint after every this many steps of the run (0: only by time and at task boundaries).</summary>
    public int EverySteps { get; init; }

    /// <summary>
    /// Keep the checkpoint after the run finishes; by default it is deleted. The kept checkpoint holds the finished run,
    /// so the same run started again returns its result (and the trained network) without training again; delete the
    /// file to train from scratch.
    /// </summary>
    public bool KeepWhenFinished { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) throw new ArgumentException($"{nameof(Path)} must name a file.");
        if (Interval <= TimeSpan.Zero) throw new ArgumentException($"{nameof(Interval)} must be positive; got {Interval}.");
        if (EverySteps < 0) throw new ArgumentException($"{nameof(EverySteps)} must be non-negative; got {EverySteps}.");
    }
}
