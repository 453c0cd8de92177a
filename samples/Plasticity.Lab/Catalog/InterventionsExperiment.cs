using Plasticity.Lab.Reporting;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's intervention study (Fig. 6, PAPER.md §5) at our scale, with the whole catalogue: random-label
/// memorization re-drawn every task, an MLP and a CNN, each with a regression and a two-hot head, under every
/// intervention, activation, head and optimizer the library has. Each architecture x head x intervention is one
/// variant, named <c>arch/head/intervention</c>, so the standard outputs (summary table, summary.json) hold one entry
/// per combination. <see cref="Analyze"/> adds the table in the layout of PAPER.md §5.3, a bar plot, and Kendall's tau
/// of our ordering of the paper's seven rows against the paper's MLP column (<see cref="PaperComparison"/>).
/// </summary>
/// <remarks>
/// The <see cref="LabPreset.Paper"/> preset runs only the MLP: every row with the regression head, and the two-hot head
/// without intervention (the paper's "two-hot" row), at the paper's probe (10 targets x 2,000 steps) and tasks of
/// 1,000 steps, sized for about an hour on 2 cores. Interrupted runs resume from their checkpoints.
/// </remarks>
public sealed class InterventionsExperiment : LabExperiment
{
    /// <summary>The file name of the bar plot written into the results folder.</summary>
    public const string BarPlotFile = "interventions.png";

    /// <summary>The file with Kendall's tau and the rows it is computed from.</summary>
    public const string PaperComparisonFile = "paper-comparison.json";

    /// <summary>The architecture x head combinations, in column order: (variant prefix, column title).</summary>
    public static IReadOnlyList<(string Key, string Title)> Columns { get; } =
    [
        ("mlp/regression", "MLP, regression"),
        ("mlp/two-hot", "MLP, two-hot"),
        ("cnn/regression", "CNN, regression"),
        ("cnn/two-hot", "CNN, two-hot"),
    ];

    /// <summary>
    /// The interventions, in row order: first the paper's Fig. 6 rows in its order (PAPER.md §5.3; its "two-hot" row is
    /// our two-hot column), then optimizer-state reset (its App. B.1), the extensions it did not test, and the
    /// catalogue of Plasticine and the later papers (PAPER.md §7, RL.md §7).
    /// </summary>
    public static IReadOnlyList<(string Key, string Title)> Rows { get; } =
    [
        ("none", "None"),
        ("reset-last-layer", "Reset last layer"),
        ("layernorm", "LayerNorm"),
        ("weight-decay", "Weight decay 1e-5"),
        ("spectral-norm", "Spectral norm"),
        ("shrink-perturb", "Shrink & perturb"),
        ("optimizer-reset", "Optimizer-state reset"),
        ("reset-all", "Reset all layers"),
        ("redo", "ReDo"),
        ("cbp", "Continual backprop"),
        ("l2-init", "L2-init 1e-3"),
        ("sam", "SAM"),
        ("adam-stable", "Adam β2 = 0.9, ε = 1e-3"),
        ("layernorm+l2", "LayerNorm + L2 (Lyle 2024)"),
        ("crelu", "CReLU"),
        ("fourier", "Deep Fourier features"),
        ("hl-gauss", "HL-Gauss head"),
        ("plasticity-injection", "Plasticity injection"),
        ("normalize-project", "Normalize-and-project"),
        ("parseval", "Parseval regularization"),
        ("weight-clipping", "Weight clipping κ = 2"),
        ("hare-tortoise", "Hare & Tortoise"),
        ("c-chain", "C-CHAIN"),
        ("trac", "TRAC"),
        ("bbf-reset", "Shrink encoder, reset head (BBF)"),
    ];

    /// <summary>Rows that replace the head: they exist in the regression columns only (in a two-hot column they would replace it).</summary>
    public static IReadOnlyList<string> RegressionOnlyRows { get; } = ["hl-gauss"];

    /// <inheritdoc />
    public override string Name => "interventions";

    /// <inheritdoc />
    public override string Description =>
        "Fig. 6 at our scale with the whole catalogue: MLP and CNN, regression and two-hot heads, under every intervention, activation, head and optimizer of the library.";

    /// <inheritdoc />
    public override bool SupportsPreset(LabPreset preset) => Enum.IsDefined(preset);

    /// <summary>The variant names <paramref name="preset"/> holds, in spec order.</summary>
    public static IReadOnlyList<string> VariantNames(LabPreset preset) =>
        Combinations(preset).Select(c => $"{c.Column}/{c.Row}").ToArray();

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = SizeOf(preset);
        var regression = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 };
        var twoHot = new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 10, Bins = 51, Min = -2, Max = 2 };
        var hlGauss = twoHot with { Kind = HeadKind.HlGauss };
        var mlp = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = regression };
        var cnn = new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 28, 28],
            ConvChannels = [size.Channels, 2 * size.Channels],
            HiddenWidths = [size.Width],
            Head = regression,
        };
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = size.LearningRate };
        int redoPeriod = Math.Max(1, size.Steps / 2);
        // Inject once, at the middle of the run (as the paper does), into the last two layers.
        int injectionStep = Math.Max(1, size.Tasks / 2) * size.Steps;

        var variants = new List<VariantSpec>();
        foreach (var (column, key) in Combinations(preset))
        {
            var (archName, headName) = (column.Split('/')[0], column.Split('/')[1]);
            var network = (archName == "mlp" ? mlp : cnn) with { Head = headName == "regression" ? regression : twoHot };
            var layerNorm = network with { Normalization = NormalizationKind.LayerNorm };
            VariantSpec V(NetworkSpec net, IReadOnlyList<InterventionSpec>? interventions = null, OptimizerOptions? optimizer = null) =>
                new() { Name = $"{column}/{key}", Network = net, Interventions = interventions ?? [], Optimizer = optimizer };
            variants.Add(key switch
            {
                "none" => V(network),
                "reset-last-layer" => V(network, [new ResetSpec { Layers = 1 }]),
                "layernorm" => V(layerNorm),
                "weight-decay" => V(network, [new WeightDecaySpec { Coefficient = 1e-5 }]),
                "spectral-norm" => V(network, [new SpectralNormSpec()]),
                "shrink-perturb" => V(network, [new ShrinkPerturbSpec()]),
                "optimizer-reset" => V(network, [new OptimizerStateResetSpec()]),
                "reset-all" => V(network, [new ResetSpec { Layers = 0 }]),
                "redo" => V(network, [new ReDoSpec { Timing = InterventionTiming.Every(redoPeriod) }]),
                "cbp" => V(network, [new ContinualBackpropSpec { MaturityThreshold = Math.Max(1, size.Steps / 10) }]),
                "l2-init" => V(network, [new L2InitSpec { Lambda = 1e-3 }]),
                "sam" => V(network, [new SamSpec()]),
                "adam-stable" => V(network, optimizer: AdamPresets.Stable(adam)),
                // Lyle et al. 2024's recipe (LayerNorm + L2 1e-5) without its head change: the head is this column's.
                "layernorm+l2" => V(layerNorm, InterventionPresets.Lyle2024(network, adam).Interventions),
                "crelu" => V(network with { Activation = ActivationKind.CReLU }),
                "fourier" => V(network with { Activation = ActivationKind.Fourier }),
                "hl-gauss" => V(network with { Head = hlGauss }),
                "plasticity-injection" => V(network, [new PlasticityInjectionSpec { HeadLayers = 2, Timing = InterventionTiming.Every(injectionStep) }]),
                "normalize-project" => V(layerNorm, [new NormalizeAndProjectSpec()]),
                "parseval" => V(network, [new ParsevalRegularizationSpec()]),
                "weight-clipping" => V(network, [new WeightClippingSpec { Kappa = 2 }]),
                // The tortoise averages over about one task (m = 1 - 1/steps), and the hare restarts from it at each boundary.
                "hare-tortoise" => V(network, [new HareTortoiseSpec { Momentum = 1 - 1.0 / size.Steps }]),
                // The coefficient adapts after the first task (the reference waits 10,000 updates, more than our runs have).
                "c-chain" => V(network, [new ChurnReductionSpec { AdaptAfterSteps = size.Steps }]),
                "trac" => V(network, optimizer: adam with { Trac = new TracOptions() }),
                "bbf-reset" => V(network, [LayerResetSpec.Bbf(headLayers: 2)]),
                _ => throw new InvalidOperationException($"No variant for intervention '{key}'."),
            });
        }

        return new ExperimentSpec
        {
            Name = Name,
            Description = Description,
            Data = new DataSpec { Source = "embedded", Samples = size.Samples, Seed = 0 },
            Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = size.Tasks, Seed = 0 },
            Training = new ContinualTrainingOptions
            {
                Network = mlp,
                Optimizer = adam,
                BatchSize = 64,
                StepsPerTask = size.Steps,
                Probe = new ProbeOptions { Targets = size.ProbeTargets, Steps = size.ProbeSteps, Inputs = size.ProbeInputs, BatchSize = 64, CurvePoints = 5 },
                ProbeEveryTasks = 0,
            },
            Variants = variants,
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <inheritdoc />
    /// <remarks>Adds the table in the layout of PAPER.md §5.3 (one row per intervention; for each architecture and
    /// head, the plasticity loss and next to it the final accuracy, mean ± std over seeds), a grouped bar plot of
    /// plasticity loss with ± std error bars (<see cref="BarPlotFile"/>), and Kendall's tau of our ordering of the
    /// paper's rows against its MLP column (<see cref="PaperComparisonFile"/>). Only variants named
    /// <c>arch/head/intervention</c> that the spec holds appear, so a spec trimmed to fewer variants works too.</remarks>
    public override void Analyze(ExperimentResult result, LabRunContext context, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var summaries = result.Summaries.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var columns = Columns.Where(c => Rows.Any(r => summaries.ContainsKey($"{c.Key}/{r.Key}"))).ToList();
        var rows = Rows.Where(r => columns.Any(c => summaries.ContainsKey($"{c.Key}/{r.Key}"))).ToList();
        int seeds = result.Spec.RunSeeds.Count;

        var plot = new BarPlot($"Plasticity loss by intervention (mean ± std over {seeds} seed(s); lower is better)", "plasticity loss (probe MSE)");
        foreach (var column in columns)
            foreach (var row in rows)
                if (summaries.TryGetValue($"{column.Key}/{row.Key}", out var s))
                    plot.Add(row.Title, column.Title, s.PlasticityLoss.Mean, s.PlasticityLoss.Std);
        plot.SavePng(Path.Combine(context.OutputFolder, BarPlotFile));

        string[] header = ["Intervention", .. columns.SelectMany(c => new[] { $"{c.Title}: plasticity loss", "final acc." })];
        var table = rows.Select(row => (IReadOnlyList<string>)
            [row.Title, .. columns.SelectMany(column => summaries.TryGetValue($"{column.Key}/{row.Key}", out var s)
                ? new[] { s.PlasticityLoss.ToString("0.000"), s.FinalAccuracy.ToString("0.00") }
                : ["—", "—"])]);
        report.Heading("Plasticity loss by intervention (PAPER.md §5.3 layout)")
            .Paragraph($"Plasticity loss = probe loss after the last task minus the probe loss of the same seed's initial network " +
                       $"(lower is better; the paper's Fig. 6 reports the same difference). Mean ± sample std over {seeds} seed(s). " +
                       "Final acc. = training accuracy at the end of the last task (random labels over 10 classes: chance is 0.10). " +
                       "The paper's \"two-hot\" row is the \"none\" row of the two-hot columns here; the HL-Gauss row swaps the regression " +
                       "head for an HL-Gauss head and exists in the regression columns only.")
            .Table(header, table)
            .Image("plasticity loss by intervention", BarPlotFile);

        var comparison = PaperComparison.From(result.Summaries);
        comparison.AddTo(report, context.PresetLabel);
        comparison.Write(Path.Combine(context.OutputFolder, PaperComparisonFile), context.PresetLabel);
    }

    /// <summary>The (column, row) pairs of a preset: every applicable pair, or for <see cref="LabPreset.Paper"/> the MLP regression column and the paper's two-hot row.</summary>
    private static IEnumerable<(string Column, string Row)> Combinations(LabPreset preset)
    {
        foreach (var (column, _) in Columns)
        {
            bool regression = column.EndsWith("/regression", StringComparison.Ordinal);
            foreach (var (row, _) in Rows)
            {
                if (!regression && RegressionOnlyRows.Contains(row)) continue;
                if (preset == LabPreset.Paper && column != "mlp/regression" && !(column == "mlp/two-hot" && row == "none")) continue;
                yield return (column, row);
            }
        }
    }

    private static Size SizeOf(LabPreset preset) => preset switch
    {
        // Under a minute for the test's trimmed spec: tiny networks, 2 tasks x 20 steps, a 1 x 20 probe.
        LabPreset.Smoke => new Size(Samples: 128, Width: 16, Channels: 4, Tasks: 2, Steps: 20, LearningRate: 3e-3, ProbeTargets: 1, ProbeSteps: 20, ProbeInputs: 64, Seeds: 1),
        // Paper-scale networks and probe, 20 tasks of 1,000 steps, 5 seeds: hours.
        LabPreset.Full => new Size(Samples: 5000, Width: 256, Channels: 16, Tasks: 20, Steps: 1000, LearningRate: 1e-3, ProbeTargets: 10, ProbeSteps: 2000, ProbeInputs: 1024, Seeds: 5),
        // The paper's probe (10 x 2,000 on 512 inputs) and tasks of 1,000 steps (the length of one of its iterations) on
        // the MLP only, 10 tasks, 3 seeds: sized for about an hour on 2 cores (see the README).
        LabPreset.Paper => new Size(Samples: 1000, Width: 256, Channels: 16, Tasks: 10, Steps: 1000, LearningRate: 1e-3, ProbeTargets: 10, ProbeSteps: 2000, ProbeInputs: 512, Seeds: 3),
        // The default: few, short tasks on few images (15 epochs per task), Adam at 3e-3 so the baseline loses plasticity
        // within the budget; a 2 x 50 probe compares variants at equal budget, it does not estimate the paper's numbers.
        _ => new Size(Samples: 256, Width: 64, Channels: 8, Tasks: 5, Steps: 60, LearningRate: 3e-3, ProbeTargets: 2, ProbeSteps: 50, ProbeInputs: 128, Seeds: 3),
    };

    private sealed record Size(int Samples, int Width, int Channels, int Tasks, int Steps, double LearningRate, int ProbeTargets, int ProbeSteps, int ProbeInputs, int Seeds);
}
