using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Benchmarks;

/// <summary>Cost of the mechanism-statistics panel at one probe point, against the probe.</summary>
/// <param name="PanelSeconds">Median seconds of one panel measurement.</param>
/// <param name="GroupSeconds">Seconds per statistic group in the median round.</param>
/// <param name="ProbeStepSeconds">Seconds per probe step (one target's step), from <see cref="ProbeBenchmark"/>.</param>
/// <param name="Quick">True when a reduced panel was measured (quick mode), not the default one.</param>
/// <param name="CovarianceSamples">k of the C_k comparison.</param>
/// <param name="CovarianceBatchedSeconds">C_k from one batched pass (the panel's path for this MLP).</param>
/// <param name="CovarianceLoopSeconds">C_k from one backward pass per example (the reference, and the path for normalized networks).</param>
public sealed record PanelResult(double PanelSeconds, IReadOnlyDictionary<string, double> GroupSeconds, double ProbeStepSeconds, bool Quick,
    int CovarianceSamples, double CovarianceBatchedSeconds, double CovarianceLoopSeconds)
{
    /// <summary>Panel over one probe fit of 2,000 steps (one target): the budget is ≤ 1.</summary>
    public double RatioToOneFit => PanelSeconds / (2000 * ProbeStepSeconds);

    /// <summary>Panel over the paper's default probe (10 targets x 2,000 steps).</summary>
    public double RatioToDefaultProbe => PanelSeconds / (10 * 2000 * ProbeStepSeconds);

    /// <summary>Batched C_k over the per-example loop, same network and rows.</summary>
    public double CovarianceRatio => CovarianceBatchedSeconds / CovarianceLoopSeconds;
}

/// <summary>Times <see cref="StatisticsPanel.Measure"/> on the benchmark MLP with its training objective.</summary>
public static class PanelBenchmark
{
    /// <summary>The panel measured in quick mode: every statistic, with small sample counts, so CI stays short.</summary>
    public static StatisticsPanelOptions QuickOptions { get; } = new()
    {
        ActivationSamples = 256,
        CurvatureSamples = 128,
        PowerIterations = 3,
        LanczosSteps = 5,
        TraceProbes = 2,
        CovarianceSamples = 32,
        NtkSamples = 8,
    };

    /// <summary>Measures the default panel (or <see cref="QuickOptions"/>) for <paramref name="rounds"/> rounds after a warm-up.</summary>
    public static PanelResult Measure(ImageDataset data, ProbeResult probe, bool quick, int rounds)
    {
        var spec = TrainStepBenchmark.Spec(false);
        var panel = new StatisticsPanel(quick ? QuickOptions : new StatisticsPanelOptions());
        var objective = new TrainingObjective(spec.Head, TargetKind.ClassLabels, 10, LossKind.Auto);
        using var network = NetworkFactory.Create(spec, 13);
        using var inputs = data.InputsTensor();
        using var labels = data.LabelsTensor();
        using var targets = objective.PrepareTargets(labels);
        var results = new List<StatisticsPanelResult>();
        for (int r = 0; r < rounds + 1; r++)
        {
            var result = panel.Measure(network, inputs, objective, targets, seed: r);
            if (r > 0) results.Add(result);
        }
        var median = results.OrderBy(x => x.Seconds["panel"]).ElementAt(results.Count / 2);
        double perStep = probe.ProbeSeconds / (probe.Targets * probe.Steps);
        var (k, batched, loop) = CompareCovariance(network, inputs, objective, targets, quick ? 32 : GradientCovariance.DefaultSamples);
        return new PanelResult(median.Seconds["panel"], median.Seconds, perStep, quick, k, batched, loop);
    }

    /// <summary>Seconds of C_k on the same k rows by the batched pass and by per-example backward passes (one warm-up each).</summary>
    private static (int K, double Batched, double Loop) CompareCovariance(PlasticNetwork network, TorchSharp.torch.Tensor inputs,
        TrainingObjective objective, TorchSharp.torch.Tensor targets, int k)
    {
        network.eval();
        using var diagnostic = DiagnosticObjective.ForTraining(network, objective, inputs, targets);
        var rows = GradientCovariance.ChooseRows(diagnostic.Count, k, seed: 1);
        double Time(Func<DiagnosticObjective, int[], GradientCovarianceResult> measure)
        {
            measure(diagnostic, rows.Take(8).ToArray());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            measure(diagnostic, rows);
            return clock.Elapsed.TotalSeconds;
        }
        double batched = Time(GradientCovariance.MeasureBatched);
        double loop = Time(GradientCovariance.MeasureByExample);
        network.train();
        return (rows.Length, batched, loop);
    }
}
