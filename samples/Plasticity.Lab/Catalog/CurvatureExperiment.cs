using System.Globalization;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's second case study (PAPER.md §2.3, §4, §8.6): gradient descent against a random walk whose every
/// step has the norm of the SGD step from the same point (<see cref="RandomWalkSpec"/>), both from the same
/// initialization, on a sequence of class-permuted labels regressed with MSE (a classification MDP with discount 0,
/// whose target changes at each task like a target-network update). At the initial network and after several
/// tasks it measures, on the paper's probe objective ||f(x) - sg[f(x)] + eps||^2, the Hessian spectral density
/// (SLQ), the top Hessian eigenvalue and the per-example gradient covariance C_k, and draws the densities and the
/// C_k heatmaps (ordered by label and by k-means cluster).
/// </summary>
public sealed class CurvatureExperiment : LabExperiment
{
    /// <summary>The gradient-descent variant.</summary>
    public const string DescentVariant = "gradient-descent";

    /// <summary>The random-walk variant.</summary>
    public const string WalkVariant = "random-walk";

    /// <summary>The folder (inside the output folder) holding each run's C_k and density files.</summary>
    public const string ArtifactsFolder = "artifacts";

    /// <inheritdoc />
    public override string Name => "curvature";

    /// <inheritdoc />
    public override string Description =>
        "GD vs a random walk with matched step norms (Fig. 2): Hessian spectral density (SLQ) and C_k heatmaps at the start and after several task switches.";

    /// <inheritdoc />
    public override ExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Samples: 256, Width: 32, Tasks: 3, Steps: 100, ProbeEvery: 3, ProbeSteps: 20, CovarianceSamples: 64, CurvatureSamples: 256, LanczosSteps: 20, LanczosProbes: 1, Seeds: 1),
            LabPreset.Full => new Size(Samples: 5000, Width: 256, Tasks: 20, Steps: 5000, ProbeEvery: 5, ProbeSteps: 500, CovarianceSamples: 256, CurvatureSamples: 1024, LanczosSteps: 80, LanczosProbes: 3, Seeds: 5),
            _ => new Size(Samples: 1000, Width: 128, Tasks: 10, Steps: 500, ProbeEvery: 5, ProbeSteps: 100, CovarianceSamples: 256, CurvatureSamples: 512, LanczosSteps: 40, LanczosProbes: 2, Seeds: 3),
        };
        return new ExperimentSpec
        {
            Name = Name,
            Description = Description,
            Data = new DataSpec { Source = "embedded", Samples = size.Samples, Seed = 0 },
            Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = size.Tasks, Seed = 0 },
            Training = new ContinualTrainingOptions
            {
                Network = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 } },
                Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05 },
                BatchSize = 64,
                StepsPerTask = size.Steps,
                Probe = new ProbeOptions { Targets = 1, Steps = size.ProbeSteps, Inputs = 256, BatchSize = 64, CurvePoints = 5 },
                ProbeEveryTasks = size.ProbeEvery,
                // Measured by the experiment's own hook, which also saves C_k and the densities (see Execute).
                Statistics = new StatisticsPanelOptions
                {
                    Loss = DiagnosticLossKind.Probe,
                    ActivationSamples = size.Samples,
                    CurvatureSamples = size.CurvatureSamples,
                    CovarianceSamples = size.CovarianceSamples,
                    LanczosSteps = size.LanczosSteps,
                    LanczosProbes = size.LanczosProbes,
                    HessianTrace = false,
                    Ntk = false,
                    KeepArtifacts = true,
                },
            },
            Variants =
            [
                new VariantSpec { Name = DescentVariant },
                new VariantSpec { Name = WalkVariant, Interventions = [new RandomWalkSpec()] },
            ],
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <summary>Where one run's C_k and density files go.</summary>
    public static string ArtifactFolder(string outputFolder, string variant, long seed) =>
        Path.Combine(outputFolder, ArtifactsFolder, Path.GetFileNameWithoutExtension(ExperimentRunner.RunPath("", variant, seed)));

    /// <inheritdoc />
    /// <remarks>
    /// The panel in the spec's <see cref="ContinualTrainingOptions.Statistics"/> is run by a
    /// <see cref="StatisticsArtifactHook"/> per run instead of the trainer's own hook, so that every point's C_k
    /// and density are saved under <c>artifacts/</c>. A stored run is reused only if its saved files were made
    /// with the same panel settings.
    /// </remarks>
    public override ExperimentResult Execute(LabRunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var spec = context.Spec;
        var panel = spec.Training.Statistics ?? throw new ArgumentException("The curvature experiment needs Training.Statistics (the panel to record).");
        string runs = Path.Combine(context.OutputFolder, "runs");
        foreach (var variant in spec.Variants)
            foreach (long seed in spec.RunSeeds)
            {
                string stored = ExperimentRunner.RunPath(runs, variant.Name, seed);
                if (!context.ReportOnly && File.Exists(stored) && !StatisticsArtifactHook.MatchesOptions(ArtifactFolder(context.OutputFolder, variant.Name, seed), panel))
                    File.Delete(stored);
            }
        var runSpec = spec with { Training = spec.Training with { Statistics = null } };
        var result = context.RunStandard(runSpec, (variant, seed) => [new StatisticsArtifactHook(panel, ArtifactFolder(context.OutputFolder, variant.Name, seed))]);
        return result with { Spec = spec };
    }

    /// <inheritdoc />
    /// <remarks>Adds density curves, C_k heatmaps, curvature/interference plots over tasks, a table, and a
    /// "curvature" section in summary.json.</remarks>
    public override void Analyze(ExperimentResult result, LabRunContext context, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        string folder = context.OutputFolder;
        var spec = result.Spec;
        long firstSeed = spec.RunSeeds[0];
        var firstRun = result.Runs.First().Result;
        var points = firstRun.ProbePoints.Select(p => p.TaskIndex).ToArray();
        int last = points[^1];

        // Densities: each variant over its points, and the two variants at the last point (first seed).
        var densityFiles = new List<string>();
        var atLast = new DensityPlot($"Hessian spectral density after task {last + 1}: GD vs random walk (seed {firstSeed})");
        foreach (var variant in spec.Variants)
        {
            var plot = new DensityPlot($"Hessian spectral density of {variant.Name} over tasks (seed {firstSeed})");
            foreach (int point in points)
                if (ReadDensity(folder, variant.Name, firstSeed, point) is { } density)
                    plot.Add(PointName(point), density);
            string file = $"hessian-density-{variant.Name}.png";
            plot.SavePng(Path.Combine(folder, file));
            densityFiles.Add(file);
            if (ReadDensity(folder, variant.Name, firstSeed, last) is { } final) atLast.Add(variant.Name, final);
        }
        atLast.SavePng(Path.Combine(folder, "hessian-density-last.png"));
        densityFiles.Insert(0, "hessian-density-last.png");

        // C_k heatmaps at the start and after the last task, by label and by k-means cluster (first seed).
        var heatmaps = new List<(string Variant, int Point, string Label, string Cluster)>();
        foreach (var variant in spec.Variants)
            foreach (int point in new[] { points[0], last }.Distinct())
            {
                string dir = ArtifactFolder(folder, variant.Name, firstSeed);
                string prefix = StatisticsArtifactHook.Prefix(point);
                string matrixPath = Path.Combine(dir, prefix + "-ck.csv");
                if (!File.Exists(matrixPath)) continue;
                var matrix = CovarianceMatrixFile.ReadMatrix(matrixPath);
                string labelsPath = Path.Combine(dir, prefix + "-ck-labels.csv");
                var byLabel = File.Exists(labelsPath) ? CovarianceOrdering.ByLabel(CovarianceMatrixFile.ReadLabels(labelsPath)) : CovarianceOrdering.Identity(matrix.Length);
                var byCluster = CovarianceOrdering.ByCluster(matrix, CovarianceOrdering.DefaultClusters, SeedSequence.Derive(firstSeed, "ck-kmeans"));
                string labelFile = $"ck-{variant.Name}-{prefix}-label.png", clusterFile = $"ck-{variant.Name}-{prefix}-kmeans.png";
                CovarianceHeatmap.SavePng(Path.Combine(folder, labelFile), matrix, byLabel, $"C_k, {variant.Name}, {PointName(point)}, by label");
                CovarianceHeatmap.SavePng(Path.Combine(folder, clusterFile), matrix, byCluster, $"C_k, {variant.Name}, {PointName(point)}, by k-means cluster");
                heatmaps.Add((variant.Name, point, labelFile, clusterFile));
            }

        // Statistics over tasks, mean ± std over seeds.
        var top = new BandPlot("Top Hessian eigenvalue (power iteration) of the probe objective", "tasks completed (0 = initial network)", "lambda_max");
        var negative = new BandPlot("Fraction of negative off-diagonal C_k entries (interference)", "tasks completed (0 = initial network)", "fraction negative");
        var sections = new List<CurvatureVariantSummary>();
        foreach (var variant in spec.Variants)
        {
            var runs = result.RunsOf(variant.Name).ToList();
            var (tx, tm, ts) = ExperimentPlots.Aggregate(runs.Select(r => r.Result), r => Statistic(r, "hessianTopEigenvalue"));
            top.Add(variant.Name, tx, tm, ts);
            var (nx, nm, ns) = ExperimentPlots.Aggregate(runs.Select(r => r.Result), r => Statistic(r, "gradientCovarianceFractionNegative"));
            negative.Add(variant.Name, nx, nm, ns);
            sections.Add(Summarize(folder, variant.Name, runs, points));
        }
        top.SavePng(Path.Combine(folder, "hessian-top-eigenvalue.png"));
        negative.SavePng(Path.Combine(folder, "ck-fraction-negative.png"));
        SummarySection.Write(folder, "curvature", new CurvatureSummary
        {
            Objective = "probe: ||f(x) - sg[f(x)] + eps||^2 (PAPER.md 2.3)",
            OutlierThreshold = "|lambda| above the largest |Ritz value| of the same run's initial network",
            Variants = sections,
        });

        report.Heading("Curvature and interference: gradient descent vs a random walk");
        report.Paragraph("Both variants start from the same network; the random walk replaces every SGD step by a step of the same norm in a random direction. " +
                         "Statistics are of the paper's probe objective ||f(x) - sg[f(x)] + eps||^2. Outlier mass: SLQ weight on eigenvalues beyond the initial network's largest |lambda|.");
        report.Table(["variant", "point", "lambda_max (power)", "largest Ritz value", "outlier mass", "C_k mean off-diag", "C_k fraction negative", "C_k effective rank"],
            sections.SelectMany(s => s.Points.Select(p => (IReadOnlyList<string>)
            [
                s.Name, p.TasksCompleted == 0 ? "initial" : $"after task {p.TasksCompleted}", p.TopEigenvalue.ToString("0.###"), p.LargestRitzValue.ToString("0.###"),
                p.OutlierMass.ToString("0.####"), p.CovarianceMeanOffDiagonal.ToString("0.###"), p.CovarianceFractionNegative.ToString("0.###"), p.CovarianceEffectiveRank.ToString("0.#"),
            ])));
        foreach (var file in densityFiles) report.Image(Path.GetFileNameWithoutExtension(file), file);
        report.Image("top eigenvalue", "hessian-top-eigenvalue.png").Image("C_k fraction negative", "ck-fraction-negative.png");
        foreach (var (variant, point, label, cluster) in heatmaps)
            report.Paragraph($"C_k of {variant}, {PointName(point)} (seed {firstSeed}): by label, then by k-means cluster ({CovarianceOrdering.DefaultClusters} clusters on the rows of C_k).")
                .Image(label, label).Image(cluster, cluster);
    }

    private static CurvatureVariantSummary Summarize(string folder, string variant, List<RunRecord> runs, int[] points)
    {
        var perPoint = points.Select(point =>
        {
            var densities = runs.Select(r => (Run: r, Density: ReadDensity(folder, variant, r.Seed, point), Initial: ReadDensity(folder, variant, r.Seed, points[0]))).ToList();
            var records = runs.Select(r => r.Result.ProbePoints.FirstOrDefault(p => p.TaskIndex == point)).ToList();
            MeanStd Stat(string name) => MeanStd.Of(records.Select(p => p is not null && p.Statistics.TryGetValue(name, out var v) ? v : double.NaN));
            return new CurvaturePoint
            {
                TasksCompleted = point + 1,
                TopEigenvalue = Stat("hessianTopEigenvalue"),
                LargestRitzValue = MeanStd.Of(densities.Select(d => d.Density?.MaxEigenvalue ?? double.NaN)),
                SmallestRitzValue = MeanStd.Of(densities.Select(d => d.Density?.MinEigenvalue ?? double.NaN)),
                OutlierMass = MeanStd.Of(densities.Select(d => d.Density is null || d.Initial is null ? double.NaN : MassBeyond(d.Density, LargestMagnitude(d.Initial)))),
                CovarianceMeanOffDiagonal = Stat("gradientCovarianceMeanOffDiagonal"),
                CovarianceFractionNegative = Stat("gradientCovarianceFractionNegative"),
                CovarianceEffectiveRank = Stat("gradientCovarianceEffectiveRank"),
                DeadFraction = Stat("deadFraction"),
                ProbeLoss = MeanStd.Of(records.Select(p => p?.Probe?.MeanLoss ?? double.NaN)),
            };
        }).ToList();
        return new CurvatureVariantSummary { Name = variant, Seeds = runs.Count, Points = perPoint };
    }

    /// <summary>The largest |Ritz value| of a density.</summary>
    internal static double LargestMagnitude(HessianDensity density) => Math.Max(Math.Abs(density.MinEigenvalue), Math.Abs(density.MaxEigenvalue));

    /// <summary>SLQ mass (quadrature weight, averaged over probes) on Ritz values with |lambda| &gt; threshold.</summary>
    internal static double MassBeyond(HessianDensity density, double threshold) =>
        density.Nodes.Select((nodes, p) => nodes.Select((v, j) => Math.Abs(v) > threshold ? density.Weights[p][j] : 0).Sum()).Average();

    private static HessianDensity? ReadDensity(string folder, string variant, long seed, int point)
    {
        string path = Path.Combine(ArtifactFolder(folder, variant, seed), StatisticsArtifactHook.Prefix(point) + "-hessian-density.json");
        return File.Exists(path) ? PlasticityJson.ReadFile<HessianDensity>(path) : null;
    }

    private static IEnumerable<(double X, double Y)> Statistic(ContinualRunResult run, string name) =>
        run.ProbePoints.Where(p => p.Statistics.ContainsKey(name)).Select(p => ((double)p.TaskIndex + 1, p.Statistics[name]));

    private static string PointName(int point) => point < 0 ? "initial" : $"after task {(point + 1).ToString(CultureInfo.InvariantCulture)}";

    private sealed record Size(int Samples, int Width, int Tasks, int Steps, int ProbeEvery, int ProbeSteps, int CovarianceSamples, int CurvatureSamples,
        int LanczosSteps, int LanczosProbes, int Seeds);
}
