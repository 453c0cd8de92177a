using System.Globalization;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's Adam case study (PAPER.md §2.2, §8.1 E2): an MLP classifier memorizes random labels that are
/// re-drawn at every task, under Adam with the default β₂ = 0.999, ε = 1e-8 and under the stabilized
/// β₂ = 0.9, ε̄ = 1e-3 inside the square root (<see cref="AdamPresets.Stable"/>). The dead-unit fraction (and the
/// gradient norm) is measured after every task by a units-only statistics panel at each probe point; a small
/// plasticity probe runs there too.
/// </summary>
public sealed class AdamExperiment : LabExperiment
{
    /// <inheritdoc />
    public override string Name => "adam";

    /// <inheritdoc />
    public override string Description =>
        "Adam case study (Fig. 1): random labels re-drawn every task; Adam defaults vs beta2 = 0.9, eps = 1e-3; dead units and accuracy over the task switches.";

    /// <summary>The variant with Adam's defaults.</summary>
    public const string DefaultVariant = "adam-default";

    /// <summary>The variant with the paper's fix.</summary>
    public const string StableVariant = "adam-beta2-0.9-eps-1e-3";

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Samples: 256, Width: 64, Tasks: 4, Steps: 150, ProbeSteps: 30, Seeds: 1),
            LabPreset.Full => new Size(Samples: 5000, Width: 1024, Tasks: 10, Steps: 9000, ProbeSteps: 500, Seeds: 5),
            _ => new Size(Samples: 1000, Width: 256, Tasks: 6, Steps: 1000, ProbeSteps: 100, Seeds: 3),
        };
        var adam = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 };
        return new ExperimentSpec
        {
            Name = Name,
            Description = Description,
            Data = new DataSpec { Source = "embedded", Samples = size.Samples, Seed = 0 },
            Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = size.Tasks, Seed = 0 },
            Training = new ContinualTrainingOptions
            {
                Network = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
                Optimizer = adam,
                BatchSize = 64,
                StepsPerTask = size.Steps,
                // The probe points are where the statistics panel runs; one short probe target keeps them cheap.
                Probe = new ProbeOptions { Targets = 1, Steps = size.ProbeSteps, Inputs = 256, BatchSize = 64, CurvePoints = 5 },
                ProbeEveryTasks = 1,
                Statistics = UnitsPanel(size.Samples),
            },
            Variants =
            [
                new VariantSpec { Name = DefaultVariant },
                new VariantSpec { Name = StableVariant, Optimizer = AdamPresets.Stable(adam) },
            ],
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <summary>Units on every sample of the task, plus the gradient norm; nothing expensive.</summary>
    private static StatisticsPanelOptions UnitsPanel(int samples) => new()
    {
        Units = true,
        ActivationSamples = samples,
        Weights = false,
        Features = false,
        GradientNorm = true,
        CurvatureSamples = Math.Min(samples, 512),
        HessianTopEigenvalue = false,
        HessianDensity = false,
        HessianTrace = false,
        GradientCovariance = false,
        Ntk = false,
    };

    /// <inheritdoc />
    /// <remarks>Adds dead-unit and gradient-norm plots, a per-task table, and an "adam" section in summary.json.</remarks>
    public override void Analyze(ExperimentResult result, LabRunContext context, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var dead = new BandPlot("Dead ReLU units (0 on every sample of the task), after each task", "tasks completed (0 = initial network)", "dead-unit fraction");
        var gradient = new BandPlot("Gradient norm of the training loss, after each task", "tasks completed (0 = initial network)", "||grad||");
        var sections = new List<AdamVariantSummary>();
        foreach (var variant in result.Spec.Variants)
        {
            var runs = result.RunsOf(variant.Name).Select(r => r.Result).ToList();
            var (dx, dm, ds) = ExperimentPlots.Aggregate(runs, r => Statistic(r, "deadFraction"));
            dead.Add(variant.Name, dx, dm, ds);
            var (gx, gm, gs) = ExperimentPlots.Aggregate(runs, r => Statistic(r, "gradientNorm"));
            gradient.Add(variant.Name, gx, gm, gs);
            var (ax, am, aStd) = ExperimentPlots.Aggregate(runs, r => r.Tasks.Select(t => ((double)t.TaskIndex + 1, t.FinalTrainAccuracy)));
            sections.Add(new AdamVariantSummary
            {
                Name = variant.Name,
                Beta2 = variant.Apply(result.Spec.Training, 0).Optimizer.Beta2,
                EpsilonInsideSqrt = variant.Apply(result.Spec.Training, 0).Optimizer.EpsilonInsideSqrt,
                Epsilon = variant.Apply(result.Spec.Training, 0).Optimizer.Epsilon,
                Seeds = runs.Count,
                DeadFraction = Points(dx, dm, ds),
                FinalAccuracy = Points(ax, am, aStd),
                GradientNorm = Points(gx, gm, gs),
                MaxDeadFraction = MeanStd.Of(runs.Select(r => Statistic(r, "deadFraction").Select(p => p.Y).DefaultIfEmpty(double.NaN).Max())),
                LastDeadFraction = MeanStd.Of(runs.Select(r => Statistic(r, "deadFraction").Select(p => p.Y).DefaultIfEmpty(double.NaN).Last())),
                MeanAccuracyAfterFirstSwitch = MeanStd.Of(runs.Select(r => r.Tasks.Skip(1).Select(t => t.FinalTrainAccuracy).DefaultIfEmpty(double.NaN).Average())),
            });
        }
        dead.SavePng(Path.Combine(context.OutputFolder, "dead-units.png"));
        gradient.SavePng(Path.Combine(context.OutputFolder, "gradient-norm.png"));
        SummarySection.Write(context.OutputFolder, "adam", sections);

        report.Heading("Dead units and accuracy over the task switches");
        report.Paragraph("Dead units: ReLU units whose output is 0 on every sample of the task, as a fraction of all hidden units, measured at the end of each task " +
                         "(0 = the initial network). Accuracy: training accuracy on the task's data at its end (chance = 0.1). Mean ± std over seeds.");
        report.Image("dead units", "dead-units.png").Image("gradient norm", "gradient-norm.png");
        int tasks = result.Spec.Tasks.Tasks;
        var header = new List<string> { "variant", "measure" };
        header.AddRange(Enumerable.Range(0, tasks + 1).Select(t => t == 0 ? "init" : $"task {t}"));
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in sections)
        {
            rows.Add([s.Name, "dead fraction", .. Row(s.DeadFraction, tasks)]);
            rows.Add([s.Name, "accuracy", .. Row(s.FinalAccuracy, tasks)]);
        }
        report.Table(header, rows);
    }

    /// <summary>(tasks completed, value) of a statistic at every probe point of a run.</summary>
    private static IEnumerable<(double X, double Y)> Statistic(ContinualRunResult run, string name) =>
        run.ProbePoints.Where(p => p.Statistics.ContainsKey(name)).Select(p => ((double)p.TaskIndex + 1, p.Statistics[name]));

    private static IReadOnlyList<TaskPoint> Points(double[] x, double[] mean, double[] std) =>
        Enumerable.Range(0, x.Length).Select(i => new TaskPoint { TasksCompleted = (int)x[i], Mean = mean[i], Std = std[i] }).ToList();

    private static IEnumerable<string> Row(IReadOnlyList<TaskPoint> points, int tasks) =>
        Enumerable.Range(0, tasks + 1).Select(t => points.FirstOrDefault(p => p.TasksCompleted == t) is { } p
            ? $"{p.Mean.ToString("0.000", CultureInfo.InvariantCulture)} ± {p.Std.ToString("0.000", CultureInfo.InvariantCulture)}"
            : "—");

    private sealed record Size(int Samples, int Width, int Tasks, int Steps, int ProbeSteps, int Seeds);
}
