using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>One stage of an agent experiment's track (see <see cref="AgentStage"/>): an environment and how long to train on it.</summary>
public sealed record AgentStageSpec
{
    /// <summary>The environment (training and evaluation get an instance each).</summary>
    public required AgentEnvironmentSpec Environment { get; init; }

    /// <summary>Environment steps of the stage.</summary>
    public required long Steps { get; init; }

    /// <summary>Steps of random actions without updates at the stage's start (<see cref="AgentStage.WarmupSteps"/>).</summary>
    public long WarmupSteps { get; init; }

    /// <summary>Keep the replay of the previous stages (<see cref="AgentStage.KeepReplay"/>).</summary>
    public bool KeepReplay { get; init; } = true;

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Environment, nameof(Environment));
        Environment.Validate();
        if (Steps < 1) throw new ArgumentException($"{nameof(Steps)} must be at least 1; got {Steps}.");
        if (WarmupSteps < 0) throw new ArgumentException($"{nameof(WarmupSteps)} must be non-negative; got {WarmupSteps}.");
    }
}
