using System.Text.Json;
using Plasticity.Lab;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class LabSmokeTests
{

    [TestMethod]
    public void TheSmokePresetWritesSummaryPlotsAndReportAndResumes()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "plasticity loss");

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual("plasticity", summary.RootElement.GetProperty("experiment").GetString());
            var variants = summary.RootElement.GetProperty("variants").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "baseline", "layernorm", "two-hot", "reset-last-layer" }, variants.Select(v => v.GetProperty("name").GetString()).ToArray());
            foreach (var v in variants)
            {
                Assert.AreEqual(1, v.GetProperty("seeds").GetInt32());
                Assert.IsTrue(double.IsFinite(v.GetProperty("plasticityLoss").GetProperty("mean").GetDouble()));
                Assert.IsTrue(v.GetProperty("plasticityLoss").TryGetProperty("std", out _));
                double accuracy = v.GetProperty("finalAccuracy").GetProperty("mean").GetDouble();
                Assert.IsTrue(accuracy is >= 0 and <= 1);
            }

            foreach (var plot in new[] { "probe-loss.png", "accuracy.png", "probe-curves.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(folder, plot));
                CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], plot);
            }
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "probe-loss.png");
            Assert.IsTrue(File.Exists(Path.Combine(folder, "spec.json")));
            var csv = File.ReadAllLines(Path.Combine(folder, "tasks.csv"));
            Assert.AreEqual(1 + 4 * (1 + 3), csv.Length, "header + 4 variants x (initial + 3 tasks)");

            // Running again on the same folder reuses every stored run instead of training again.
            var (exit2, output2) = LabRunner.Run("--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "Reused 4 finished run(s)");

            // The written spec reproduces the run.
            var (exit3, output3) = LabRunner.Run("--spec", Path.Combine(folder, "spec.json"), "--out", folder);
            Assert.AreEqual(0, exit3, output3);
            StringAssert.Contains(output3, "Reused 4 finished run(s)");
            StringAssert.Contains(output3, "(custom: spec.json)");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AnUnknownExperimentIsAnErrorNamingTheKnownOnes()
    {
        var (exit, output) = LabRunner.Run("no-such-experiment");
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(output, "plasticity");
    }
}
