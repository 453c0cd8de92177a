using System.Text.Json;
using Plasticity.Lab;
using Plasticity.Lab.Catalog;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class AdamExperimentTests
{

    internal static void AssertPng(string path)
    {
        Assert.IsTrue(File.Exists(path), $"{path} is missing");
        var bytes = File.ReadAllBytes(path);
        Assert.IsGreaterThan(1000, bytes.Length, path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], path);
    }

    [TestMethod]
    public void TheSmokeRunRecordsDeadUnitsAndAccuracyAfterEveryTaskForBothAdamSettings()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-adam-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("adam", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);
            int tasks = new AdamExperiment().CreateSpec(LabPreset.Smoke).Tasks.Tasks;

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual("adam", summary.RootElement.GetProperty("experiment").GetString());
            Assert.HasCount(2, summary.RootElement.GetProperty("variants").EnumerateArray().ToList(), "the standard summary is kept");
            var variants = summary.RootElement.GetProperty("adam").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { AdamExperiment.DefaultVariant, AdamExperiment.StableVariant }, variants.Select(v => v.GetProperty("name").GetString()).ToArray());
            Assert.AreEqual(0.999, variants[0].GetProperty("beta2").GetDouble());
            Assert.AreEqual(0.0, variants[0].GetProperty("epsilonInsideSqrt").GetDouble());
            Assert.AreEqual(0.9, variants[1].GetProperty("beta2").GetDouble());
            Assert.AreEqual(1e-3, variants[1].GetProperty("epsilonInsideSqrt").GetDouble());

            var initialDead = new List<double>();
            foreach (var v in variants)
            {
                var dead = v.GetProperty("deadFraction").EnumerateArray().ToList();
                CollectionAssert.AreEqual(Enumerable.Range(0, tasks + 1).ToArray(), dead.Select(p => p.GetProperty("tasksCompleted").GetInt32()).ToArray(), "initial network + every task");
                foreach (var p in dead) Assert.IsTrue(p.GetProperty("mean").GetDouble() is >= 0 and <= 1);
                initialDead.Add(dead[0].GetProperty("mean").GetDouble());
                var accuracy = v.GetProperty("finalAccuracy").EnumerateArray().ToList();
                Assert.HasCount(tasks, accuracy);
                foreach (var p in accuracy) Assert.IsTrue(p.GetProperty("mean").GetDouble() is >= 0 and <= 1);
                Assert.IsGreaterThan(0.0, v.GetProperty("gradientNorm").EnumerateArray().First().GetProperty("mean").GetDouble());
            }
            // Same seed, same initial network: the two optimizers start from identical dead-unit counts.
            Assert.AreEqual(initialDead[0], initialDead[1]);

            // The per-task statistics are also in tasks.csv: a deadFraction value on each variant's rows.
            var csv = File.ReadAllLines(Path.Combine(folder, "tasks.csv"));
            int column = Array.IndexOf(csv[0].Split(','), "deadFraction");
            Assert.IsGreaterThanOrEqualTo(0, column, csv[0]);
            Assert.HasCount(1 + 2 * (1 + tasks), csv);
            foreach (var line in csv.Skip(1)) Assert.IsTrue(double.TryParse(line.Split(',')[column], System.Globalization.CultureInfo.InvariantCulture, out _), line);

            foreach (var plot in new[] { "dead-units.png", "gradient-norm.png", "accuracy.png" }) AssertPng(Path.Combine(folder, plot));
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "dead-units.png");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
