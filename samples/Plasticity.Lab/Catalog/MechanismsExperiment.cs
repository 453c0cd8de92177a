using System.Globalization;
using Plasticity.Lab.Analysis;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's falsification study (Fig. 3, PAPER.md §3 and §8.4) at our scale: many conditions (two task sequences x
/// MLP/CNN x Adam/SGD-momentum, several learning rates and seeds in each), each run recording its plasticity loss and
/// the whole statistics panel at the end. Within each condition group (task sequence x architecture x optimizer) the
/// learning rate and seed make plasticity loss vary; the analysis correlates it with every statistic per group and
/// reports which statistics reverse the sign of that association across groups.
/// </summary>
/// <remarks>
/// Variants are named <c>task/architecture/optimizer/lr{rate}</c>; the condition group of a run is its variant name
/// without the last segment (<see cref="FalsificationAnalysis.GroupOf"/>), so a spec edited by hand keeps working.
/// </remarks>
public sealed class MechanismsExperiment : LabExperiment
{
    /// <inheritdoc />
    public override string Name => "mechanisms";

    /// <inheritdoc />
    public override string Description =>
        "Fig. 3 falsification at our scale: 2 task sequences x MLP/CNN x Adam/SGD-momentum x learning rates x seeds; plasticity loss vs every panel statistic within each group, and which statistics flip sign.";

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Samples: 128, Width: 16, Channels: 4, Tasks: 2, Steps: 25, ProbeTargets: 1, ProbeSteps: 25, ProbeInputs: 64,
                AdamRates: [3e-4, 1e-3, 3e-3], SgdRates: [0.01, 0.03, 0.1], Seeds: 1, Panel: SmokePanel),
            LabPreset.Full => new Size(Samples: 3000, Width: 128, Channels: 16, Tasks: 12, Steps: 500, ProbeTargets: 5, ProbeSteps: 500, ProbeInputs: 512,
                AdamRates: [1e-4, 3e-4, 1e-3, 3e-3], SgdRates: [3e-3, 0.01, 0.03, 0.1], Seeds: 5, Panel: DefaultPanel),
            _ => new Size(Samples: 1000, Width: 64, Channels: 8, Tasks: 6, Steps: 250, ProbeTargets: 2, ProbeSteps: 200, ProbeInputs: 256,
                AdamRates: [3e-4, 1e-3, 3e-3], SgdRates: [0.01, 0.03, 0.1], Seeds: 3, Panel: DefaultPanel),
        };
        var regression = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 };
        var mlp = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = regression };
        var cnn = new NetworkSpec
        {
            Architecture = NetworkArchitecture.Cnn,
            InputShape = [1, 28, 28],
            ConvChannels = [size.Channels, 2 * size.Channels],
            HiddenWidths = [size.Width],
            Head = regression,
        };
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam };
        var sgd = new OptimizerOptions { Kind = OptimizerKind.Sgd, Momentum = 0.9 };

        var variants = new List<VariantSpec>();
        foreach (var (taskName, task) in new[] { ("random-labels", TaskSequenceKind.RandomLabels), ("permuted-inputs", TaskSequenceKind.PermutedInputs) })
            foreach (var (archName, arch) in new[] { ("mlp", mlp), ("cnn", cnn) })
                foreach (var (optName, optimizer, rates) in new[] { ("adam", adam, size.AdamRates), ("sgd", sgd, size.SgdRates) })
                    foreach (double rate in rates)
                        variants.Add(new VariantSpec
                        {
                            Name = $"{taskName}/{archName}/{optName}/lr{rate.ToString("R", CultureInfo.InvariantCulture)}",
                            TaskKind = task,
                            Network = arch,
                            Optimizer = optimizer with { LearningRate = rate },
                        });

        return new ExperimentSpec
        {
            Name = Name,
            Description = Description,
            Data = new DataSpec { Source = "embedded", Samples = size.Samples, Seed = 0 },
            Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = size.Tasks, Seed = 0 },
            Training = new ContinualTrainingOptions
            {
                Network = mlp,
                Optimizer = adam with { LearningRate = 1e-3 },
                BatchSize = 64,
                StepsPerTask = size.Steps,
                Probe = new ProbeOptions { Targets = size.ProbeTargets, Steps = size.ProbeSteps, Inputs = size.ProbeInputs, BatchSize = 64, CurvePoints = 5 },
                ProbeEveryTasks = 0, // the initial and the final network: the panel's values at the end are what is correlated
                Statistics = size.Panel,
            },
            Variants = variants,
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <inheritdoc />
    public override void Analyze(ExperimentResult result, LabRunContext context, Reporting.MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        FalsificationAnalysis.Write(result, context.OutputFolder, report);
    }

    /// <summary>
    /// The whole panel, sized so that it costs about as much as the probe at this scale: Hessian statistics on 256
    /// samples with few iterations (the density is kept only for its extreme Ritz values), C_k on all 256 of them
    /// (one batched pass for these unnormalized networks).
    /// </summary>
    private static readonly StatisticsPanelOptions DefaultPanel = new()
    {
        ActivationSamples = 512,
        CurvatureSamples = 256,
        PowerIterations = 10,
        LanczosSteps = 12,
        TraceProbes = 4,
        CovarianceSamples = 256,
        NtkSamples = 16,
    };

    private static readonly StatisticsPanelOptions SmokePanel = new()
    {
        ActivationSamples = 128,
        CurvatureSamples = 64,
        PowerIterations = 3,
        LanczosSteps = 4,
        TraceProbes = 2,
        CovarianceSamples = 8,
        NtkSamples = 4,
    };

    private sealed record Size(int Samples, int Width, int Channels, int Tasks, int Steps, int ProbeTargets, int ProbeSteps, int ProbeInputs,
        double[] AdamRates, double[] SgdRates, int Seeds, StatisticsPanelOptions Panel);
}
