using Plasticity.ML.Training;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>What an agent's run produced: its episodes, evaluations, losses per target period and probe points.</summary>
public sealed record AgentRunResult
{
    /// <summary>The options of the run.</summary>
    public required AgentOptions Options { get; init; }

    /// <summary>The environment's name.</summary>
    public required string Environment { get; init; }

    /// <summary>Environment steps taken.</summary>
    public long Steps { get; init; }

    /// <summary>The stages of the run, in order (one for a run on a single environment).</summary>
    public IReadOnlyList<StageRecord> Stages { get; init; } = [];

    /// <summary>Updates (optimizer steps) made.</summary>
    public long Updates { get; init; }

    /// <summary>Hard target-network updates (task boundaries) made.</summary>
    public int TargetUpdates { get; init; }

    /// <summary>Every finished training episode, in order.</summary>
    public IReadOnlyList<EpisodeRecord> Episodes { get; init; } = [];

    /// <summary>Every evaluation, in order.</summary>
    public IReadOnlyList<EvaluationRecord> Evaluations { get; init; } = [];

    /// <summary>The loss of every target period, in order.</summary>
    public IReadOnlyList<LossRecord> Losses { get; init; } = [];

    /// <summary>
    /// The probe points: <see cref="ProbePointRecord.GlobalStep"/> is the environment step, <see cref="ProbePointRecord.TaskIndex"/>
    /// the target period; statistics from <see cref="AgentOptions.Statistics"/> and added hooks are in <see cref="ProbePointRecord.Statistics"/>.
    /// </summary>
    public IReadOnlyList<ProbePointRecord> ProbePoints { get; init; } = [];

    /// <summary>Wall-clock seconds of the run (across resumes).</summary>
    public double Seconds { get; init; }
}
