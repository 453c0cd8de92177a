using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;

namespace Plasticity.ML.Tests.Search;

/// <summary>Budgeted runs of the tuners on the synthetic objectives, for the comparisons against random search.</summary>
public static class TunerComparison
{
    /// <summary>Maximum fidelity of the multi-fidelity objective.</summary>
    public const long MaxFidelity = 27;

    /// <summary>The outcome of one budgeted run.</summary>
    /// <param name="Regret">True objective of the configuration the run would pick, minus the optimum.</param>
    /// <param name="Configurations">How many distinct configurations were tried.</param>
    public sealed record Outcome(double Regret, int Configurations);

    /// <summary>Branin, <paramref name="trials"/> trials of <paramref name="tuner"/>; the regret of the best trial.</summary>
    public static Outcome RunBranin(ITuner tuner, int trials)
    {
        var driver = new TunerDriver(tuner, TunerDriver.Completed(SyntheticObjectives.Branin)).Run(trials);
        Assert.HasCount(trials, driver.Results);
        return new(driver.Results.Min(r => r.Metric) - SyntheticObjectives.BraninMinimum, driver.Proposals.Select(p => p.Parameters).Distinct().Count());
    }

    /// <summary>CFO on Branin.</summary>
    public static Outcome RunCfo(long seed, int trials) =>
        RunBranin(new CostFrugalTuner(SyntheticObjectives.BraninSpace(), new() { Direction = OptimizationDirection.Minimize, Seed = seed }), trials);

    /// <summary>Random search on Branin.</summary>
    public static Outcome RunRandomBranin(long seed, int trials) =>
        RunBranin(new RandomSearchTuner(SyntheticObjectives.BraninSpace(), new() { Direction = OptimizationDirection.Minimize, Seed = seed }), trials);

    /// <summary>
    /// ASHA on the noisy multi-fidelity quadratic (3 parameters) for <paramref name="budget"/> fidelity units. A trial
    /// that resumes from a checkpoint pays only the fidelity it adds. The pick is the best observed trial on the top
    /// rung (or, if none reached it, on the highest rung reached); the regret is its true (noise-free, full) objective.
    /// </summary>
    public static Outcome RunAsha(long seed, long budget, int dimension = 3)
    {
        var space = SyntheticObjectives.QuadraticSpace(dimension);
        var tuner = new AshaTuner(space, new() { Direction = OptimizationDirection.Minimize, Seed = seed, MinFidelity = 1, MaxFidelity = MaxFidelity, ReductionFactor = 3 });
        var done = new List<(TrialProposal Proposal, double Metric)>();
        long spent = 0;
        while (true)
        {
            var p = tuner.Propose()!;
            long cost = p.Fidelity!.Value - p.StartFidelity;
            if (spent + cost > budget) break;
            spent += cost;
            double metric = SyntheticObjectives.MultiFidelity(p.Parameters, p.Fidelity.Value, MaxFidelity, seed, p.Id);
            tuner.Update(TrialResult.Completed(p.Id, metric, cost));
            done.Add((p, metric));
        }
        long top = done.Max(d => d.Proposal.Fidelity!.Value);
        var pick = done.Where(d => d.Proposal.Fidelity == top).MinBy(d => d.Metric).Proposal.Parameters;
        return new(SyntheticObjectives.Quadratic(pick), done.Select(d => d.Proposal.Parameters).Distinct().Count());
    }

    /// <summary>Random search on the multi-fidelity quadratic: every trial at full fidelity, budget / R of them.</summary>
    public static Outcome RunRandomMultiFidelity(long seed, long budget, int dimension = 3)
    {
        var space = SyntheticObjectives.QuadraticSpace(dimension);
        var tuner = new RandomSearchTuner(space, new() { Direction = OptimizationDirection.Minimize, Seed = seed });
        var done = new List<(ParameterSet Parameters, double Metric)>();
        for (long spent = MaxFidelity; spent <= budget; spent += MaxFidelity)
        {
            var p = tuner.Propose()!;
            double metric = SyntheticObjectives.MultiFidelity(p.Parameters, MaxFidelity, MaxFidelity, seed, p.Id);
            tuner.Update(TrialResult.Completed(p.Id, metric, MaxFidelity));
            done.Add((p.Parameters, metric));
        }
        return new(SyntheticObjectives.Quadratic(done.MinBy(d => d.Metric).Parameters), done.Count);
    }

    /// <summary>
    /// One-sided Wilcoxon signed-rank test, exact: the probability under "no difference" of a positive rank sum at least
    /// as large as that of <paramref name="differences"/> (positive: the tuner did better). Zero differences are dropped;
    /// ranks of |d| are taken without tie correction (ties have probability zero for these continuous regrets).
    /// </summary>
    public static double WilcoxonP(IReadOnlyList<double> differences)
    {
        var nonZero = differences.Where(d => d != 0).ToArray();
        int n = nonZero.Length;
        var ranked = nonZero.Select((d, i) => (d, i)).OrderBy(t => Math.Abs(t.d)).ToArray();
        int positive = 0;
        for (int r = 0; r < n; r++) if (ranked[r].d > 0) positive += r + 1;
        // counts[s]: number of subsets of the ranks 1..n with sum s (each sign pattern is equally likely under the null).
        int total = n * (n + 1) / 2;
        var counts = new double[total + 1];
        counts[0] = 1;
        for (int r = 1; r <= n; r++)
            for (int s = total; s >= r; s--) counts[s] += counts[s - r];
        double tail = 0;
        for (int s = positive; s <= total; s++) tail += counts[s];
        return tail / Math.Pow(2, n);
    }
}
