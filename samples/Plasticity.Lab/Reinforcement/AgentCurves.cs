using Plasticity.ML.Experiments;
using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.Lab.Reinforcement;

/// <summary>One point of a curve aggregated over runs.</summary>
/// <param name="Stage">The stage it belongs to (0 for runs of one stage).</param>
/// <param name="Step">The run's step.</param>
/// <param name="Value">Mean and standard deviation over the runs that have the point.</param>
public sealed record CurvePoint(int Stage, long Step, MeanStd Value);

/// <summary>Curves over training aggregated over seeds (and over tracks): evaluations, probe losses and panel statistics.</summary>
public static class AgentCurves
{
    /// <summary>The mean evaluation return of every evaluation point, over runs, keyed by (stage, step) so that a chain's
    /// last evaluation of one game and first of the next stay apart.</summary>
    public static IReadOnlyList<CurvePoint> Evaluations(IEnumerable<AgentRunResult> runs) =>
        Aggregate(runs, r => r.Evaluations.Select(e => (e.Stage, e.Step, e.MeanReturn)));

    /// <summary>The mean probe loss at every probe point, over runs.</summary>
    public static IReadOnlyList<CurvePoint> ProbeLoss(IEnumerable<AgentRunResult> runs) =>
        Aggregate(runs, r => r.ProbePoints.Where(p => p.Probe is not null).Select(p => (StageOf(r, p.GlobalStep), p.GlobalStep, p.Probe!.MeanLoss)));

    /// <summary>A panel statistic (e.g. <c>dormantFraction.tau0.1</c>) at every probe point, over runs.</summary>
    public static IReadOnlyList<CurvePoint> Statistic(IEnumerable<AgentRunResult> runs, string name) =>
        Aggregate(runs, r => r.ProbePoints.Where(p => p.Statistics.ContainsKey(name)).Select(p => (StageOf(r, p.GlobalStep), p.GlobalStep, p.Statistics[name])));

    /// <summary>The stage a step of a run belongs to (a step on a boundary belongs to the stage it ends).</summary>
    public static int StageOf(AgentRunResult run, long step)
    {
        ArgumentNullException.ThrowIfNull(run);
        for (int k = 0; k < run.Stages.Count; k++)
            if (step <= run.Stages[k].LastStep) return k;
        return Math.Max(0, run.Stages.Count - 1);
    }

    /// <summary>Mean of the training returns of the last (up to) <paramref name="episodes"/> episodes of a stage (the MinAtar
    /// paper's curves are moving averages of 100 training episodes); null when the stage finished none.</summary>
    public static double? FinalTrainingReturn(AgentRunResult run, int stage = -1, int episodes = 100)
    {
        ArgumentNullException.ThrowIfNull(run);
        int k = stage < 0 ? run.Stages.Count - 1 : stage;
        if (k < 0 || k >= run.Stages.Count) return null;
        long end = run.Stages[k].LastStep;
        // Leave out the episode the stage's end cut short; keep episodes cut by a time limit (a continuing task has only those).
        var last = run.Episodes.Where(e => e.Stage == k && !(e.Truncated && e.Step == end)).TakeLast(episodes).Select(e => e.Return).ToList();
        return last.Count == 0 ? null : last.Average();
    }

    private static IReadOnlyList<CurvePoint> Aggregate(IEnumerable<AgentRunResult> runs, Func<AgentRunResult, IEnumerable<(int Stage, long Step, double Value)>> select)
    {
        var byPoint = new SortedDictionary<(int Stage, long Step), List<double>>();
        foreach (var run in runs)
            foreach (var (stage, step, value) in select(run))
            {
                if (!byPoint.TryGetValue((stage, step), out var list)) byPoint[(stage, step)] = list = [];
                list.Add(value);
            }
        return byPoint.Select(p => new CurvePoint(p.Key.Stage, p.Key.Step, MeanStd.Of(p.Value))).ToList();
    }

    /// <summary>The curve as arrays for <see cref="Reporting.BandPlot"/> (x in thousands of steps).</summary>
    public static (double[] X, double[] Mean, double[] Std) ForPlot(IReadOnlyList<CurvePoint> curve) =>
        (curve.Select(p => p.Step / 1000.0).ToArray(), curve.Select(p => p.Value.Mean).ToArray(), curve.Select(p => p.Value.Std).ToArray());
}
