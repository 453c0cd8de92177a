using System.Text.Json;
using Plasticity.Lab.Analysis;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class MechanismsLabTests
{
    private static readonly string[] Groups =
    [
        "random-labels/mlp/adam", "random-labels/mlp/sgd", "random-labels/cnn/adam", "random-labels/cnn/sgd",
        "permuted-inputs/mlp/adam", "permuted-inputs/mlp/sgd", "permuted-inputs/cnn/adam", "permuted-inputs/cnn/sgd",
    ];

    /// <summary>Every kind of statistic of the panel, which each run must have recorded at its last probe point.</summary>
    private static readonly string[] PanelStatistics =
    [
        "deadFraction", "dormantFraction.tau0.1", "linearizedFraction", "weightNorm", "meanAbsWeight", "weightSrank.mean",
        "featureSrank", "featureEffectiveRank", "gradientNorm", "hessianTopEigenvalue", "hessianTrace", "hessianDensityMax",
        "gradientCovarianceMeanOffDiagonal", "gradientCovarianceFractionNegative", "ntkEffectiveRank",
    ];

    [TestMethod]
    public void TheSmokePresetWritesTheFalsificationTablePlotsAndSummary()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-mechanisms-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("mechanisms", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual("mechanisms", summary.RootElement.GetProperty("experiment").GetString());
            Assert.AreEqual(24, summary.RootElement.GetProperty("variants").GetArrayLength(), "2 tasks x 2 architectures x 2 optimizers x 3 rates");
            var falsification = summary.RootElement.GetProperty("falsification");
            CollectionAssert.AreEqual(Groups, falsification.GetProperty("groups").EnumerateArray().Select(g => g.GetString()).ToArray());
            var results = falsification.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("statistic").GetString()!);
            var flips = falsification.GetProperty("signFlips").EnumerateArray().Select(s => s.GetString()).ToHashSet();
            foreach (string statistic in PanelStatistics)
            {
                Assert.IsTrue(results.TryGetValue(statistic, out var r), $"summary.json lacks {statistic}");
                var groups = r.GetProperty("groups").EnumerateArray().ToList();
                CollectionAssert.AreEqual(Groups, groups.Select(g => g.GetProperty("group").GetString()).ToArray(), statistic);
                Assert.IsTrue(groups.All(g => g.GetProperty("count").GetInt32() == 3), statistic);
                Assert.AreEqual(24, r.GetProperty("pooled").GetProperty("count").GetInt32(), statistic);
                // The flag agrees with the signs listed for the groups.
                var signs = groups.Select(g => g.GetProperty("sign").GetInt32()).ToList();
                bool flipped = signs.Contains(1) && signs.Contains(-1);
                Assert.AreEqual(flipped, r.GetProperty("signFlips").GetBoolean(), statistic);
                Assert.AreEqual(flipped, flips.Contains(statistic), statistic);
            }

            var report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, "Falsification");
            StringAssert.Contains(report, "| deadFraction |");
            StringAssert.Contains(report, "scatter/hessianTopEigenvalue.png");
            foreach (string statistic in PanelStatistics)
            {
                var bytes = File.ReadAllBytes(Path.Combine(folder, "scatter", statistic + ".png"));
                CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], statistic);
            }
            var csv = File.ReadAllLines(Path.Combine(folder, "falsification.csv"));
            // Per-layer statistics exist only in the groups whose network has that layer (the CNN has more).
            int rows = results.Values.Sum(r => r.GetProperty("groups").GetArrayLength() + 1);
            Assert.AreEqual(1 + rows, csv.Length, "header + (each group having it + pooled) per statistic");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void TheGroupIsTheVariantWithoutItsLastSegment()
    {
        Assert.AreEqual("random-labels/mlp/adam", FalsificationAnalysis.GroupOf("random-labels/mlp/adam/lr0.001"));
        Assert.AreEqual("baseline", FalsificationAnalysis.GroupOf("baseline"));
        Assert.IsTrue(FalsificationAnalysis.IsWholeNetwork("hessianTopEigenvalue"));
        Assert.IsFalse(FalsificationAnalysis.IsWholeNetwork("deadFraction.layer1"));
    }
}
