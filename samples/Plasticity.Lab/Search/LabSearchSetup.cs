using Plasticity.Lab.Catalog;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;
using Plasticity.ML.Search.Tuners.PopulationBased;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Search;

/// <summary>
/// What the lab's <c>search</c> searches: the drifting Fashion-MNIST stream of samples/DriftRetraining, a plain MLP
/// warm-started window after window as the default, and four plasticity settings (learning rate, normalization, width,
/// and one intervention chosen among none, a reset of the output layer, shrink &amp; perturb, L2-init and ReDo).
/// </summary>
public sealed record LabSearchSetup
{
    /// <summary>The name of the "Intervention" parameter, which is not an options member: <see cref="Apply"/> turns it into the interventions list.</summary>
    public const string InterventionParameter = "Intervention";

    /// <summary>The interventions the search chooses among.</summary>
    public static IReadOnlyList<string> Interventions { get; } = ["none", "reset-last-1", "shrink-perturb", "l2-init", "redo"];

    /// <summary>The stream (rebuilt from the embedded images in every worker).</summary>
    public required DriftingStreamSpec Stream { get; init; }

    /// <summary>Windows the search tunes on; the rest are held out.</summary>
    public required int TuningWindows { get; init; }

    /// <summary>The default settings.</summary>
    public required ContinualTrainingOptions Baseline { get; init; }

    /// <summary>The budget.</summary>
    public required SearchBudget Budget { get; init; }

    /// <summary>Trials at once.</summary>
    public required int Parallel { get; init; }

    /// <summary>The tuner's name.</summary>
    public required string Tuner { get; init; }

    /// <summary>Seed of the trials and of the tuner.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The preset's setup.</summary>
    public static LabSearchSetup For(LabPreset preset) => preset switch
    {
        LabPreset.Smoke => new LabSearchSetup
        {
            Stream = new DriftingStreamSpec { Windows = 6, ImagesPerWindow = 100 },
            TuningWindows = 4,
            Baseline = Options(hidden: 32, steps: 20, batch: 32),
            Budget = new SearchBudget { MaxTrials = 4 },
            Parallel = 2,
            Tuner = "random",
        },
        LabPreset.Default => new LabSearchSetup
        {
            // 16 windows of 400 images; the search sees 10 and is judged on the last 6. At most 25 minutes of search
            // (plus the held-out runs) on 2 cores.
            Stream = new DriftingStreamSpec { Windows = 16, ImagesPerWindow = 400 },
            TuningWindows = 10,
            Baseline = Options(hidden: 128, steps: 300, batch: 64),
            Budget = new SearchBudget { MaxTrials = 60, MaxSeconds = 1500 },
            Parallel = 2,
            Tuner = "asha",
        },
        _ => throw new ArgumentException($"The search has the presets smoke and default; got {preset}."),
    };

    /// <summary>The space: learning rate, normalization, width and intervention, with the baseline's values as defaults.</summary>
    public SearchSpace Space => new(
    [
        new RangeParameter("Optimizer.LearningRate", 1e-4, 1e-2, Baseline.Optimizer.LearningRate, logBase: true),
        new ChoiceParameter("Network.Normalization", [ParameterValue.FromText("None"), ParameterValue.FromText("LayerNorm")]),
        new RangeParameter("Network.HiddenWidths", 32, 256, Baseline.Network.HiddenWidths[0], logBase: true, isInteger: true),
        new ChoiceParameter(InterventionParameter, Interventions.Select(ParameterValue.FromText)),
    ]);

    /// <summary>The options of a parameter set: the members through the space, the intervention as a list of one.</summary>
    public static ContinualTrainingOptions Apply(SearchSpace space, ContinualTrainingOptions baseline, ParameterSet parameters)
    {
        var members = new ParameterSet(parameters.Where(p => p.Key != InterventionParameter));
        var options = space.Without(InterventionParameter).Apply(baseline, members);
        string intervention = parameters.TryGetValue(InterventionParameter, out var value) ? value.Text : "none";
        return options with
        {
            Interventions = intervention switch
            {
                "none" => [],
                "reset-last-1" => [new ResetSpec { Layers = 1 }],
                "shrink-perturb" => [new ShrinkPerturbSpec()],
                "l2-init" => [new L2InitSpec()],
                "redo" => [new ReDoSpec { Timing = InterventionTiming.AtTaskBoundaries }],
                _ => throw new ArgumentException($"Unknown intervention \"{intervention}\"; the search knows {string.Join(", ", Interventions)}."),
            },
        };
    }

    /// <summary>The tuner named <see cref="Tuner"/>: random, grid, cfo, asha or pbt.</summary>
    public ITuner CreateTuner()
    {
        var space = Space;
        int max = TuningWindows - 1;
        const OptimizationDirection up = OptimizationDirection.Maximize;
        return Tuner switch
        {
            "random" => new RandomSearchTuner(space, new RandomSearchOptions { Direction = up, Seed = Seed }),
            "grid" => new GridSearchTuner(space, new GridSearchOptions { Direction = up, PointsPerRange = 3 }),
            "cfo" => new CostFrugalTuner(space, new CostFrugalOptions { Direction = up, Seed = Seed }),
            "asha" => new AshaTuner(space, new AshaOptions { Direction = up, Seed = Seed, MinFidelity = 1, MaxFidelity = max, ReductionFactor = 3 }),
            "pbt" => new PopulationBasedTuner(space, new PopulationBasedOptions
            {
                Direction = up, Seed = Seed, PopulationSize = Parallel * 2, Interval = Math.Max(1, max / 3), MaxFidelity = max, IncludeDefault = true,
            }),
            _ => throw new ArgumentException($"Unknown tuner \"{Tuner}\"; use random, grid, cfo, asha or pbt."),
        };
    }

    private static ContinualTrainingOptions Options(int hidden, int steps, int batch) => new()
    {
        Network = new NetworkSpec { InputShape = [784], HiddenWidths = [hidden, hidden], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
        Optimizer = new OptimizerOptions { LearningRate = 1e-3 },
        BatchSize = batch,
        StepsPerTask = steps,
        Threads = 1,
        Seed = 1,
    };
}
