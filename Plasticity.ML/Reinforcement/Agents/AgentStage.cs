using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// One stage of an agent's run: an environment it trains on for <see cref="Steps"/> steps. A run of several stages is a
/// continual chain (C-CHAIN's continual MinAtar: Space Invaders, then Asterix, then Seaquest): the agent keeps its
/// networks, optimizer state, counters and, unless <see cref="KeepReplay"/> is false, its replay buffer from one stage
/// to the next, and each stage boundary is a task boundary of the step protocol that also starts a stage
/// (<see cref="Interventions.InterventionTrigger.StageBoundary"/>).
/// </summary>
/// <remarks>Every stage's environments must have the observation shape and action count the agent was built for (pad
/// channels with <see cref="ChannelPaddingEnvironment"/> to chain games with different channels).</remarks>
public sealed record AgentStage
{
    /// <summary>The training environment of the stage.</summary>
    public required IEnvironment Environment { get; init; }

    /// <summary>A separate instance for evaluation episodes; needed when <see cref="AgentOptions.EvaluationInterval"/> is positive.</summary>
    public IEnvironment? EvaluationEnvironment { get; init; }

    /// <summary>Environment steps of the stage.</summary>
    public required long Steps { get; init; }

    /// <summary>
    /// Steps of uniformly random actions without updates at the start of the stage, to fill the replay with the new
    /// environment's experience (C-CHAIN: 10,000 per game). The first stage also waits for
    /// <see cref="AgentOptions.LearningStarts"/> steps of the run.
    /// </summary>
    public long WarmupSteps { get; init; }

    /// <summary>Keep the replay buffer of the previous stages (C-CHAIN does); false empties it when the stage starts.</summary>
    public bool KeepReplay { get; init; } = true;

    /// <summary>When set, the whole agent is saved to this file (atomically) at the end of the stage, after its last
    /// evaluation, and kept: the network after each game, to study or to continue another chain from.</summary>
    public string? SaveAgentTo { get; init; }

    /// <summary>What decides the numbers of the stage (for a run's fingerprint): the environment's spec, steps, warm-up and replay rule.</summary>
    internal object Description => new { Environment.Spec, Steps, WarmupSteps, KeepReplay };
}
