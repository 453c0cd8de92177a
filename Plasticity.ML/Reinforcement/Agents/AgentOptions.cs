using System.Text.Json.Serialization;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>The learning rule of an agent.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentKind>))]
public enum AgentKind
{
    /// <summary>DQN (Mnih et al. 2015): TD target <c>r + gamma max_a' Q_target(s', a')</c>.</summary>
    Dqn,

    /// <summary>Double DQN (van Hasselt et al. 2016): the online network picks <c>a'</c>, the target network values it.</summary>
    DoubleDqn,

    /// <summary>C51 (Bellemare et al. 2017): a categorical return distribution per action, trained on the projected
    /// distributional Bellman target.</summary>
    C51,
}

/// <summary>
/// Everything that decides an agent's run, serializable so that a run can be repeated from its file. The defaults are
/// the MinAtar reference DQN's schedule (Young and Tian 2019; /work/shared/RL.md) with Adam as the optimizer
/// (Dopamine's MinAtar settings: lr 2.5e-4, eps 3.125e-4); <see cref="MinAtarPaper"/> gives the paper's own settings
/// (centered RMSProp).
/// </summary>
public sealed record AgentOptions
{
    /// <summary>DQN, Double DQN or C51.</summary>
    public AgentKind Kind { get; init; } = AgentKind.Dqn;

    /// <summary>
    /// The Q-network; null builds <see cref="NetworkPresets.MinAtar"/> for the environment's observation (with
    /// <see cref="NetworkPresets.Categorical"/>'s 51 atoms on [-10, 10] for C51). Its input shape must be the
    /// environment's observation shape and its head must have one output per action: a regression head for DQN and
    /// Double DQN, a <see cref="HeadKind.TwoHot"/> (categorical) head for C51.
    /// </summary>
    public NetworkSpec? Network { get; init; }

    /// <summary>The optimizer (the probe trains its copies with the same settings).</summary>
    public OptimizerOptions Optimizer { get; init; } = new() { Kind = OptimizerKind.Adam, LearningRate = 2.5e-4, Epsilon = 3.125e-4 };

    /// <summary>The replay buffer.</summary>
    public ReplayOptions Replay { get; init; } = new();

    /// <summary>Environment steps of the run.</summary>
    public long TotalSteps { get; init; } = 5_000_000;

    /// <summary>Transitions per update.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Discount gamma.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>n of the n-step TD target (1: one-step).</summary>
    public int NSteps { get; init; } = 1;

    /// <summary>Environment steps between hard copies of the online network into the target network. Each copy is a task
    /// boundary of the step protocol (interventions that act at boundaries act then).</summary>
    public int TargetUpdatePeriod { get; init; } = 1000;

    /// <summary>Environment steps per update (1: train every step, as MinAtar's DQN; 4: Dopamine and DQN Zoo).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Environment steps taken (with <see cref="EpsilonStart"/>) before the first update.</summary>
    public long LearningStarts { get; init; } = 5000;

    /// <summary>Exploration epsilon until <see cref="LearningStarts"/>.</summary>
    public double EpsilonStart { get; init; } = 1.0;

    /// <summary>Exploration epsilon after the decay.</summary>
    public double EpsilonEnd { get; init; } = 0.1;

    /// <summary>Environment steps after <see cref="LearningStarts"/> over which epsilon falls linearly to <see cref="EpsilonEnd"/>.</summary>
    public long EpsilonDecaySteps { get; init; } = 100_000;

    /// <summary>The TD loss of DQN and Double DQN: <see cref="LossKind.Huber"/> (smooth L1) or <see cref="LossKind.Mse"/>. C51
    /// always trains with the cross-entropy to its projected target.</summary>
    public LossKind Loss { get; init; } = LossKind.Huber;

    /// <summary>Delta of the Huber loss.</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Clip rewards to [-1, 1] before they are stored (DQN on Atari); returns are reported unclipped.</summary>
    public bool ClipRewards { get; init; }

    /// <summary>Cut an episode (training or evaluation) after this many steps, as a truncation (the TD target still
    /// bootstraps); 0 for no limit.</summary>
    public int MaxEpisodeSteps { get; init; } = 27_000;

    /// <summary>Environment steps between evaluations (and one at the end); 0 for none. Evaluation runs on its own
    /// environment instance, so training episodes are not disturbed.</summary>
    public long EvaluationInterval { get; init; }

    /// <summary>Episodes per evaluation.</summary>
    public int EvaluationEpisodes { get; init; } = 10;

    /// <summary>Epsilon of evaluation episodes (Dopamine and DQN Zoo: 0.001; 0 is greedy).</summary>
    public double EvaluationEpsilon { get; init; } = 0.001;

    /// <summary>Also evaluate before the first step of every stage (C-CHAIN evaluates each game at its step 0), so a
    /// learning curve starts from the untrained policy (or, in a chain, from the policy the previous game left).</summary>
    public bool EvaluateAtStart { get; init; }

    /// <summary>Clip the global gradient norm of every update to this value (DQN Zoo: 10); 0 for no clipping (see
    /// <see cref="GradientClippingHook"/>).</summary>
    public double MaxGradientNorm { get; init; }

    /// <summary>The plasticity probe, measured on observations sampled from replay; null for none.</summary>
    public ProbeOptions? Probe { get; init; }

    /// <summary>Mechanism statistics recorded at every probe point on observations sampled from replay; null for none.
    /// Statistics that differentiate a loss need <see cref="DiagnosticLossKind.Probe"/> (replay has no supervised targets).</summary>
    public StatisticsPanelOptions? Statistics { get; init; }

    /// <summary>Environment steps between probe points. The first is at <see cref="LearningStarts"/> (the network
    /// before any update), the last at the end of the run.</summary>
    public long ProbeInterval { get; init; } = 100_000;

    /// <summary>Interventions, applied in list order through the step protocol.</summary>
    public IReadOnlyList<InterventionSpec> Interventions { get; init; } = [];

    /// <summary>The one seed that decides every random choice of the run (weights, exploration, replay sampling,
    /// episode starts, probes).</summary>
    public long Seed { get; init; }

    /// <summary>Intra-op threads while training (process-wide); 0 lets <see cref="TorchThreads.Choose"/> decide (1 for
    /// networks this small).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// The MinAtar paper's reference settings (RL.md section 2): centered RMSProp with lr 2.5e-4, alpha 0.95, epsilon
    /// 0.01; batch 32; replay 100k; 5,000 steps before learning; train every step; target copy every 1,000 steps;
    /// epsilon 1 to 0.1 over 100k steps; gamma 0.99; Huber loss; 5M frames.
    /// </summary>
    public static AgentOptions MinAtarPaper(AgentKind kind = AgentKind.Dqn, long seed = 0) => new()
    {
        Kind = kind,
        Optimizer = new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 2.5e-4, Alpha = 0.95, Epsilon = 0.01, Centered = true },
        Replay = new ReplayOptions { Capacity = 100_000 },
        TotalSteps = 5_000_000,
        BatchSize = 32,
        Gamma = 0.99,
        TargetUpdatePeriod = 1000,
        TrainFrequency = 1,
        LearningStarts = 5000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.1,
        EpsilonDecaySteps = 100_000,
        Loss = LossKind.Huber,
        Seed = seed,
    };

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field and its value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        ArgumentNullException.ThrowIfNull(Replay, nameof(Replay));
        ArgumentNullException.ThrowIfNull(Interventions, nameof(Interventions));
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"Unknown agent {nameof(Kind)} {Kind}.");
        Network?.Validate();
        Optimizer.Validate();
        Replay.Validate();
        if (TotalSteps < 1) throw new ArgumentException($"{nameof(TotalSteps)} must be at least 1; got {TotalSteps}.");
        if (BatchSize < 1) throw new ArgumentException($"{nameof(BatchSize)} must be at least 1; got {BatchSize}.");
        if (Replay.Capacity < BatchSize)
            throw new ArgumentException($"The replay capacity ({nameof(Replay)}.{nameof(ReplayOptions.Capacity)} = {Replay.Capacity}) is smaller than the batch ({nameof(BatchSize)} = {BatchSize}).");
        if (!(Gamma >= 0 && Gamma <= 1)) throw new ArgumentException($"{nameof(Gamma)} must lie in [0, 1]; got {Gamma}.");
        if (NSteps < 1) throw new ArgumentException($"{nameof(NSteps)} must be at least 1; got {NSteps}.");
        if (Replay.Capacity <= NSteps)
            throw new ArgumentException($"The replay capacity ({nameof(Replay)}.{nameof(ReplayOptions.Capacity)} = {Replay.Capacity}) must exceed {nameof(NSteps)} ({NSteps}).");
        if (TargetUpdatePeriod < 1) throw new ArgumentException($"{nameof(TargetUpdatePeriod)} must be at least 1; got {TargetUpdatePeriod}.");
        if (TrainFrequency < 1) throw new ArgumentException($"{nameof(TrainFrequency)} must be at least 1; got {TrainFrequency}.");
        if (LearningStarts < 0) throw new ArgumentException($"{nameof(LearningStarts)} must be non-negative; got {LearningStarts}.");
        Probability(EpsilonStart, nameof(EpsilonStart));
        Probability(EpsilonEnd, nameof(EpsilonEnd));
        Probability(EvaluationEpsilon, nameof(EvaluationEpsilon));
        if (EpsilonDecaySteps < 0) throw new ArgumentException($"{nameof(EpsilonDecaySteps)} must be non-negative; got {EpsilonDecaySteps}.");
        if (Loss is not (LossKind.Huber or LossKind.Mse))
            throw new ArgumentException($"An agent's TD {nameof(Loss)} is {nameof(LossKind.Huber)} or {nameof(LossKind.Mse)}; got {Loss}.");
        if (!(HuberDelta > 0) || !double.IsFinite(HuberDelta)) throw new ArgumentException($"{nameof(HuberDelta)} must be positive and finite; got {HuberDelta}.");
        if (MaxEpisodeSteps < 0) throw new ArgumentException($"{nameof(MaxEpisodeSteps)} must be non-negative; got {MaxEpisodeSteps}.");
        if (EvaluationInterval < 0) throw new ArgumentException($"{nameof(EvaluationInterval)} must be non-negative; got {EvaluationInterval}.");
        if (EvaluationEpisodes < 1) throw new ArgumentException($"{nameof(EvaluationEpisodes)} must be at least 1; got {EvaluationEpisodes}.");
        if (!(MaxGradientNorm >= 0) || !double.IsFinite(MaxGradientNorm))
            throw new ArgumentException($"{nameof(MaxGradientNorm)} must be non-negative and finite (0: no clipping); got {MaxGradientNorm}.");
        if ((Probe is not null || Statistics is not null) && ProbeInterval < 1)
            throw new ArgumentException($"{nameof(ProbeInterval)} must be at least 1 when a probe or statistics are requested; got {ProbeInterval}.");
        Probe?.Validate();
        Statistics?.Validate();
        if (Statistics is { NeedsLoss: true, Loss: DiagnosticLossKind.Training })
            throw new ArgumentException(
                $"An agent's statistics are measured on replay, which has no supervised targets: set {nameof(Statistics)}.{nameof(StatisticsPanelOptions.Loss)} to {nameof(DiagnosticLossKind.Probe)}, " +
                "or turn off the statistics that differentiate a loss.");
        if (Threads < 0) throw new ArgumentException($"{nameof(Threads)} must be non-negative; got {Threads}.");
        foreach (var intervention in Interventions)
        {
            ArgumentNullException.ThrowIfNull(intervention, nameof(Interventions));
            intervention.Validate();
        }
    }

    private static void Probability(double value, string name)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentException($"{name} must lie in [0, 1]; got {value}.");
    }
}
