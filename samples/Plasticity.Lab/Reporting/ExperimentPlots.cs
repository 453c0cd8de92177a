using Plasticity.ML.Experiments;
using Plasticity.ML.Training;

namespace Plasticity.Lab.Reporting;

/// <summary>The standard plots of an experiment: probe loss over tasks, accuracy over tasks, and probe curves.</summary>
public static class ExperimentPlots
{
    /// <summary>Writes the plots into <paramref name="folder"/> and returns their file names.</summary>
    public static IReadOnlyList<string> Write(ExperimentResult result, string folder)
    {
        var files = new List<string>();
        var probe = new BandPlot("Plasticity probe loss over tasks (lower = more plastic)", "tasks completed", "probe loss (MSE)") { IntegerXTicks = true };
        var accuracy = new BandPlot("Training accuracy at the end of each task", "task", "accuracy") { IntegerXTicks = true };
        var onlineLoss = new BandPlot("Training loss at the end of each task", "task", "loss") { IntegerXTicks = true };
        bool hasAccuracy = false;
        foreach (var variant in result.Spec.Variants)
        {
            var runs = result.RunsOf(variant.Name).Select(r => r.Result).ToList();
            if (runs.Count == 0) continue;
            var (px, pm, ps) = Aggregate(runs, r => r.ProbePoints.Where(p => p.Probe is not null).Select(p => ((double)p.TaskIndex + 1, p.Probe!.MeanLoss)));
            probe.Add(variant.Name, px, pm, ps);
            var (ax, am, aStd) = Aggregate(runs, r => r.Tasks.Select(t => ((double)t.TaskIndex + 1, t.FinalTrainAccuracy)));
            if (am.Any(double.IsFinite)) hasAccuracy = true;
            accuracy.Add(variant.Name, ax, am, aStd);
            var (lx, lm, ls) = Aggregate(runs, r => r.Tasks.Select(t => ((double)t.TaskIndex + 1, t.FinalTrainLoss)));
            onlineLoss.Add(variant.Name, lx, lm, ls);
        }
        probe.SavePng(Path.Combine(folder, "probe-loss.png"));
        files.Add("probe-loss.png");
        if (hasAccuracy)
        {
            accuracy.SavePng(Path.Combine(folder, "accuracy.png"));
            files.Add("accuracy.png");
        }
        onlineLoss.SavePng(Path.Combine(folder, "train-loss.png"));
        files.Add("train-loss.png");

        var curves = new BandPlot("Probe learning curves: initial network vs after the last task", "probe step", "probe loss (MSE)") { IntegerXTicks = true };
        foreach (var variant in result.Spec.Variants)
        {
            var runs = result.RunsOf(variant.Name).Select(r => r.Result).ToList();
            AddCurve(curves, $"{variant.Name} (initial)", runs.Select(r => r.InitialProbePoint).ToList());
            AddCurve(curves, $"{variant.Name} (last task)", runs.Select(r => r.Tasks[^1].ProbePoint).ToList());
        }
        curves.SavePng(Path.Combine(folder, "probe-curves.png"));
        files.Add("probe-curves.png");
        return files;
    }

    private static void AddCurve(BandPlot plot, string name, List<ProbePointRecord?> points)
    {
        var probes = points.Where(p => p?.Probe is not null).Select(p => p!.Probe!).ToList();
        if (probes.Count == 0) return;
        var steps = probes[0].CurveSteps.Select(s => (double)s).ToArray();
        var mean = new double[steps.Length];
        var std = new double[steps.Length];
        for (int i = 0; i < steps.Length; i++)
        {
            var stat = MeanStd.Of(probes.Where(p => p.MeanCurve.Length > i).Select(p => p.MeanCurve[i]));
            mean[i] = stat.Mean;
            std[i] = stat.Std;
        }
        plot.Add(name, steps, mean, std);
    }

    /// <summary>Aligns per-run (x, y) series on x and returns mean and std over runs at each x.</summary>
    public static (double[] X, double[] Mean, double[] Std) Aggregate(IEnumerable<ContinualRunResult> runs, Func<ContinualRunResult, IEnumerable<(double X, double Y)>> select)
    {
        var byX = new SortedDictionary<double, List<double>>();
        foreach (var run in runs)
            foreach (var (x, y) in select(run))
            {
                if (!byX.TryGetValue(x, out var list)) byX[x] = list = [];
                list.Add(y);
            }
        var xs = byX.Keys.ToArray();
        var stats = byX.Values.Select(MeanStd.Of).ToArray();
        return (xs, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.Std).ToArray());
    }
}
