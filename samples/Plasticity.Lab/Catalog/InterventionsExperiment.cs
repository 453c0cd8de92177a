using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's intervention study (Fig. 6, PAPER.md §5) at our scale: random-label memorization re-drawn every
/// task, an MLP and a CNN, each with a regression and a two-hot head, under every intervention of the catalogue.
/// Each architecture x head x intervention is one variant, named <c>arch/head/intervention</c>, so the standard
/// outputs (summary table, summary.json) hold one entry per combination.
/// </summary>
public sealed class InterventionsExperiment : LabExperiment
{
    /// <inheritdoc />
    public override string Name => "interventions";

    /// <inheritdoc />
    public override string Description =>
        "Fig. 6 at our scale: MLP and CNN, regression and two-hot heads, under every intervention (resets, S&P, ReDo, CBP, L2-init, weight decay, SAM, spectral norm, LayerNorm, Adam fix).";

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Samples: 128, Width: 16, Channels: 4, Tasks: 2, Steps: 20, ProbeTargets: 1, ProbeSteps: 20, ProbeInputs: 64, Seeds: 1),
            LabPreset.Full => new Size(Samples: 5000, Width: 256, Channels: 16, Tasks: 20, Steps: 1000, ProbeTargets: 10, ProbeSteps: 2000, ProbeInputs: 1024, Seeds: 5),
            _ => new Size(Samples: 1000, Width: 64, Channels: 8, Tasks: 6, Steps: 200, ProbeTargets: 2, ProbeSteps: 150, ProbeInputs: 256, Seeds: 3),
        };
        var regression = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 };
        var twoHot = new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 10, Bins = 51, Min = -2, Max = 2 };
        var mlp = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = regression };
        var cnn = new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 28, 28],
            ConvChannels = [size.Channels, 2 * size.Channels],
            HiddenWidths = [size.Width],
            Head = regression,
        };
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 };
        int redoPeriod = Math.Max(1, size.Steps / 2);

        var variants = new List<VariantSpec>();
        foreach (var (archName, arch) in new[] { ("mlp", mlp), ("cnn", cnn) })
        {
            foreach (var (headName, head) in new[] { ("regression", regression), ("two-hot", twoHot) })
            {
                var network = arch with { Head = head };
                VariantSpec V(string intervention, IReadOnlyList<InterventionSpec>? interventions = null, NetworkSpec? net = null, OptimizerOptions? optimizer = null) =>
                    new() { Name = $"{archName}/{headName}/{intervention}", Network = net ?? network, Interventions = interventions ?? [], Optimizer = optimizer };
                variants.Add(V("none"));
                variants.Add(V("layernorm", net: network with { Normalization = NormalizationKind.LayerNorm }));
                variants.Add(V("reset-last-layer", [new ResetSpec { Layers = 1 }]));
                variants.Add(V("shrink-perturb", [new ShrinkPerturbSpec()]));
                variants.Add(V("weight-decay", [new WeightDecaySpec { Coefficient = 1e-5 }]));
                variants.Add(V("spectral-norm", [new SpectralNormSpec()]));
                variants.Add(V("optimizer-reset", [new OptimizerStateResetSpec()]));
                variants.Add(V("redo", [new ReDoSpec { Timing = InterventionTiming.Every(redoPeriod) }]));
                variants.Add(V("cbp", [new ContinualBackpropSpec { MaturityThreshold = Math.Max(1, size.Steps / 10) }]));
                variants.Add(V("l2-init", [new L2InitSpec { Lambda = 1e-3 }]));
                variants.Add(V("sam", [new SamSpec()]));
                variants.Add(V("adam-stable", optimizer: AdamPresets.Stable(adam)));
                var lyle = InterventionPresets.Lyle2024(network, adam);
                variants.Add(V("layernorm+l2", lyle.Interventions, net: network with { Normalization = NormalizationKind.LayerNorm }));
            }
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
    /// <remarks>Adds the table in the layout of PAPER.md §5.3: one row per intervention, one column per
    /// architecture and head, each cell the plasticity loss (mean ± std over seeds) with the final accuracy.</remarks>
    public override void Analyze(ExperimentResult result, LabRunContext context, Reporting.MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(report);
        var summaries = result.Summaries.ToDictionary(s => s.Name, StringComparer.Ordinal);
        string[] columns = ["mlp/regression", "mlp/two-hot", "cnn/regression", "cnn/two-hot"];
        var interventions = result.Spec.Variants.Select(v => v.Name[(v.Name.LastIndexOf('/') + 1)..]).Distinct(StringComparer.Ordinal);
        var rows = interventions.Select(intervention => (IReadOnlyList<string>)
            [intervention, .. columns.Select(column => summaries.TryGetValue($"{column}/{intervention}", out var s)
                ? $"{s.PlasticityLoss.ToString("0.000")} (acc {s.FinalAccuracy.Mean.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)})"
                : "—")]);
        report.Heading("Plasticity loss by intervention (Fig. 6 layout)")
            .Paragraph("Plasticity loss = final probe loss minus initial probe loss (lower is better), mean ± std over seeds; final training accuracy on the last task in brackets.")
            .Table(["Intervention", .. columns], rows);
    }

    private sealed record Size(int Samples, int Width, int Channels, int Tasks, int Steps, int ProbeTargets, int ProbeSteps, int ProbeInputs, int Seeds);
}
