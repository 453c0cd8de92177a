namespace Plasticity.ML.Experiments.Agents;

/// <summary>Every run of an agent experiment.</summary>
public sealed record AgentExperimentResult
{
    /// <summary>The spec that was run.</summary>
    public required AgentExperimentSpec Spec { get; init; }

    /// <summary>The runs, track by track, variant by variant, seed by seed.</summary>
    public required IReadOnlyList<AgentRunRecord> Runs { get; init; }

    /// <summary>Runs loaded from the output folder instead of trained.</summary>
    public int ResumedRuns { get; init; }

    /// <summary>Runs of the spec that are not in <see cref="Runs"/> because they have not finished (left untrained by
    /// <see cref="AgentExperimentRunner.StoredRunsOnly"/>); 0 after a full invocation.</summary>
    public int PendingRuns { get; init; }

    /// <summary>True when some runs of the spec are missing: an interim result.</summary>
    public bool IsPartial => PendingRuns > 0;

    /// <summary>Wall-clock seconds of this invocation.</summary>
    public double Seconds { get; init; }

    /// <summary>The runs of one track and variant, in seed order (failed ones included).</summary>
    public IEnumerable<AgentRunRecord> RunsOf(string track, string variant) =>
        Runs.Where(r => r.Track == track && r.Variant == variant).OrderBy(r => r.Seed);

    /// <summary>The results of the finished runs of one track and variant, in seed order (failed runs left out).</summary>
    public IReadOnlyList<Reinforcement.Agents.AgentRunResult> ResultsOf(string track, string variant) =>
        RunsOf(track, variant).Where(r => r.Result is not null).Select(r => r.Result!).ToList();

    /// <summary>The runs that failed.</summary>
    public IEnumerable<AgentRunRecord> Failures => Runs.Where(r => r.Result is null);
}
