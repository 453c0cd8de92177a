using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search;

namespace Plasticity.ML.Training;

/// <summary>Everything that decides a continual run; serializable, so a run can be repeated from its file.</summary>
public sealed record ContinualTrainingOptions
{
    /// <summary>The network.</summary>
    [NestOption]
    public NetworkSpec Network { get; init; } = new();

    /// <summary>The optimizer (the probe uses the same settings with fresh state).</summary>
    [NestOption]
    public OptimizerOptions Optimizer { get; init; } = new();

    /// <summary>The loss; <see cref="LossKind.Auto"/> picks the head's natural loss.</summary>
    public LossKind Loss { get; init; } = LossKind.Auto;

    /// <summary>Delta of the Huber loss.</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Mini-batch size.</summary>
    [Range(8, 512, 64, logBase: true)]
    public int BatchSize { get; init; } = 64;

    /// <summary>Optimizer steps per task.</summary>
    public int StepsPerTask { get; init; } = 500;

    /// <summary>The one seed that decides every random choice of the run.</summary>
    public long Seed { get; init; }

    /// <summary>Interventions, applied in list order.</summary>
    public IReadOnlyList<InterventionSpec> Interventions { get; init; } = [];

    /// <summary>The plasticity probe; null for none.</summary>
    public ProbeOptions? Probe { get; init; }

    /// <summary>Probe after every this many tasks (and always after the last); 0 probes only the initial and final network.</summary>
    public int ProbeEveryTasks { get; init; } = 1;

    /// <summary>Samples used for the end-of-task evaluation; 0 uses all of the task's data.</summary>
    public int EvaluationSamples { get; init; }

    /// <summary>
    /// Intra-op threads for the run; 0 lets <see cref="Optimization.TorchThreads.Choose"/> decide from the work size
    /// (1 thread for small networks). The setting is process-wide while the run lasts.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// Mechanism statistics recorded at every probe point (needs <see cref="Probe"/>); null for none. The trainer
    /// adds a <see cref="StatisticsPanelHook"/> for them after the interventions.
    /// </summary>
    public StatisticsPanelOptions? Statistics { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Network, nameof(Network));
        ArgumentNullException.ThrowIfNull(Optimizer, nameof(Optimizer));
        Network.Validate();
        Optimizer.Validate();
        if (BatchSize <= 0) throw new ArgumentException($"{nameof(BatchSize)} must be positive; got {BatchSize}.");
        if (StepsPerTask <= 0) throw new ArgumentException($"{nameof(StepsPerTask)} must be positive; got {StepsPerTask}.");
        if (ProbeEveryTasks < 0) throw new ArgumentException($"{nameof(ProbeEveryTasks)} must be non-negative; got {ProbeEveryTasks}.");
        if (Threads < 0) throw new ArgumentException($"{nameof(Threads)} must be non-negative; got {Threads}.");
        if (EvaluationSamples < 0) throw new ArgumentException($"{nameof(EvaluationSamples)} must be non-negative; got {EvaluationSamples}.");
        if (!(HuberDelta > 0)) throw new ArgumentException($"{nameof(HuberDelta)} must be positive; got {HuberDelta}.");
        Probe?.Validate();
        Statistics?.Validate();
        foreach (var intervention in Interventions) intervention.Validate();
    }
}
