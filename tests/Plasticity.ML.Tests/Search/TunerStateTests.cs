using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;
using Plasticity.ML.Search.Tuners.PopulationBased;

namespace Plasticity.ML.Tests.Search;

/// <summary>Same seed, same proposals; and a tuner restored mid-way proposes exactly what the uninterrupted one does.</summary>
[TestClass]
public sealed class TunerStateTests
{
    private static readonly SearchSpace Mixed = new([
        new RangeParameter("lr", 1e-4, 1e-1, 1e-3, logBase: true),
        new RangeParameter("width", 16, 512, 64, logBase: true, isInteger: true),
        new RangeParameter("tau", 0, 0.5, 0.1),
        new ChoiceParameter("norm", ["None", "LayerNorm", "BatchNorm"]),
        ChoiceParameter.Boolean("reset"),
    ]);

    private const OptimizationDirection Min = OptimizationDirection.Minimize;

    public static IEnumerable<object[]> Tuners =>
    [
        ["random"], ["grid"], ["cfo"], ["asha"], ["pbt"],
    ];

    private static IResumableTuner Create(string kind, long seed = 1) => kind switch
    {
        "random" => new RandomSearchTuner(Mixed, new() { Direction = Min, Seed = seed }),
        "grid" => new GridSearchTuner(Mixed, new() { Direction = Min, PointsPerRange = 3 }),
        "cfo" => new CostFrugalTuner(Mixed, new() { Direction = Min, Seed = seed }),
        "asha" => new AshaTuner(Mixed, new() { Direction = Min, Seed = seed, MaxFidelity = 27 }),
        "pbt" => new PopulationBasedTuner(Mixed, new() { Direction = Min, Seed = seed, PopulationSize = 4, Interval = 3, MaxFidelity = 60 }),
        _ => throw new ArgumentException(kind),
    };

    // A deterministic objective of the parameters, the fidelity and the id; every ninth trial fails.
    private static TrialResult Evaluate(TrialProposal p)
    {
        if (p.Id % 9 == 8) return TrialResult.Failed(p.Id, "diverged", cost: 0.5);
        double lr = Math.Log10(p.Parameters.GetNumber("lr")) + 2.5;
        double width = Math.Log2(p.Parameters.GetNumber("width")) - 7;
        double tau = p.Parameters.GetNumber("tau") - 0.2;
        double norm = p.Parameters["norm"].Text == "LayerNorm" ? 0 : 0.3;
        double fidelity = p.Fidelity ?? 27;
        double noise = SeedSequence.CreateRandom(99, "state-test", p.Id).NextGaussian() * 0.05;
        return TrialResult.Completed(p.Id, lr * lr + 0.1 * width * width + tau * tau + norm + 1 / fidelity + noise, cost: 1 + fidelity / 27);
    }

    /// <summary>Runs <paramref name="trials"/> trials with three in flight; after <paramref name="interruptAfter"/> reports the
    /// tuner is exported, replaced by a fresh one and imported (the in-flight trials report to the new one).</summary>
    private static List<string> Run(string kind, int trials, int? interruptAfter, long seed = 1)
    {
        var tuner = Create(kind, seed);
        var running = new Queue<TrialProposal>();
        var proposals = new List<string>();
        int proposed = 0, reports = 0;
        while (proposed < trials || running.Count > 0)
        {
            while (proposed < trials && running.Count < 3 && tuner.Propose() is { } p)
            {
                proposals.Add(PlasticityJson.Serialize(p));
                running.Enqueue(p);
                proposed++;
            }
            if (running.Count == 0) break;
            if (reports == interruptAfter)
            {
                string state = tuner.ExportState();
                tuner = Create(kind, seed);
                tuner.ImportState(state);
                Assert.AreEqual(state, tuner.ExportState(), "import then export gives the same state");
                Assert.HasCount(running.Count, ((Tuner)tuner).Pending, "the in-flight trials stay pending");
            }
            tuner.Update(Evaluate(running.Dequeue()));
            reports++;
        }
        return proposals;
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void TheSameSeedGivesTheSameProposals(string kind)
    {
        var a = Run(kind, 80, interruptAfter: null);
        var b = Run(kind, 80, interruptAfter: null);
        CollectionAssert.AreEqual(a, b);
        Assert.IsGreaterThan(10, a.Count, kind);
        if (kind != "grid") CollectionAssert.AreNotEqual(a, Run(kind, 80, interruptAfter: null, seed: 2), "another seed, other proposals");
    }

    [TestMethod]
    [DynamicData(nameof(Tuners))]
    public void ARestoredTunerProposesWhatTheUninterruptedOneDoes(string kind)
    {
        var uninterrupted = Run(kind, 80, interruptAfter: null);
        foreach (int at in new[] { 0, 1, 7, 23, 41 })
            CollectionAssert.AreEqual(uninterrupted, Run(kind, 80, interruptAfter: at), $"{kind}, restored after {at} reports");
    }

    [TestMethod]
    public void AStateOfAnotherTunerSpaceOrOptionsIsRefused()
    {
        var cfo = Create("cfo");
        cfo.Propose();
        string state = cfo.ExportState();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Create("random").ImportState(state));
        StringAssert.Contains(e.Message, "CostFrugalTuner");
        e = Assert.ThrowsExactly<ArgumentException>(() => Create("cfo", seed: 2).ImportState(state));
        StringAssert.Contains(e.Message, "other options");
        var otherSpace = new CostFrugalTuner(Mixed.Without("reset"), new() { Direction = Min, Seed = 1 });
        e = Assert.ThrowsExactly<ArgumentException>(() => otherSpace.ImportState(state));
        StringAssert.Contains(e.Message, "another search space");
        Assert.Throws<JsonException>(() => Create("cfo").ImportState("{ \"tuner\": "));
        Assert.Throws<JsonException>(() => Create("cfo").ImportState("{ \"tuner\": \"CostFrugalTuner\" }"));
    }
}
