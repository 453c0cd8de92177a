namespace Plasticity.ML.Tests.Search;

/// <summary>
/// CFO and ASHA against random search at equal budget over 20 fixed seeds. Deterministic (every seed fixed), and
/// robust: the mean regret over the seeds must be lower, and a one-sided exact Wilcoxon signed-rank test on the paired
/// regrets must reject "no better than random" at p &lt; 0.01.
/// </summary>
[TestClass]
public sealed class TunerComparisonTests
{
    private const int Seeds = 20;

    [TestMethod]
    public void TheWilcoxonTestIsExact()
    {
        // n = 3, ranks 1..3, 8 sign patterns with positive rank sums 0,1,2,3,3,4,5,6.
        Assert.AreEqual(1.0 / 8, TunerComparison.WilcoxonP([0.1, 0.2, 0.3]), 1e-15);
        // W+ = 2 + 3 = 5; of the subsets of {1, 2, 3} only {2, 3} and {1, 2, 3} reach 5.
        Assert.AreEqual(2.0 / 8, TunerComparison.WilcoxonP([-0.1, 0.2, 0.3]), 1e-15);
        Assert.AreEqual(1.0, TunerComparison.WilcoxonP([-0.1, -0.2, -0.3]), 1e-15);
        Assert.AreEqual(1.0 / 1048576, TunerComparison.WilcoxonP(Enumerable.Range(1, 20).Select(i => (double)i).ToArray()), 1e-18);
    }

    [TestMethod]
    public void CostFrugalBeatsRandomSearchOnBraninAtEqualBudget()
    {
        const int trials = 80;
        var cfo = Enumerable.Range(0, Seeds).Select(s => TunerComparison.RunCfo(s, trials).Regret).ToArray();
        var random = Enumerable.Range(0, Seeds).Select(s => TunerComparison.RunRandomBranin(1000 + s, trials).Regret).ToArray();
        AssertBetter("CFO", cfo, random);
    }

    [TestMethod]
    public void AshaBeatsRandomSearchOnTheNoisyMultiFidelityQuadraticAtEqualBudget()
    {
        const long budget = 20 * TunerComparison.MaxFidelity;
        var asha = Enumerable.Range(0, Seeds).Select(s => TunerComparison.RunAsha(s, budget).Regret).ToArray();
        var random = Enumerable.Range(0, Seeds).Select(s => TunerComparison.RunRandomMultiFidelity(s, budget).Regret).ToArray();
        AssertBetter("ASHA", asha, random);
    }

    private static void AssertBetter(string name, double[] tuner, double[] random)
    {
        int wins = tuner.Zip(random, (t, r) => t < r ? 1 : 0).Sum();
        double p = TunerComparison.WilcoxonP(random.Zip(tuner, (r, t) => r - t).ToArray());
        string detail = $"{name} wins {wins}/{Seeds} (Wilcoxon p = {p:g3}); mean regret {tuner.Average():g3} vs random {random.Average():g3}";
        Console.WriteLine(detail);
        Assert.IsLessThan(random.Average(), tuner.Average(), detail);
        Assert.IsLessThan(0.01, p, detail);
    }
}
