using System.Text.Json;
using Plasticity.Lab;
using Plasticity.ML.Common;
using Plasticity.ML.Tests.Experiments;
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

            // An interim report of a two-seed experiment of which the four seed-1 runs are finished: those four runs,
            // the same summaries as the one-seed experiment's, nothing trained, the folder's spec left alone.
            string specBefore = File.ReadAllText(Path.Combine(folder, "spec.json"));
            string oneSeed = File.ReadAllText(Path.Combine(folder, "summary.json"));
            var (exit4, output4) = LabRunner.Run("--preset", "smoke", "--seeds", "2", "--out", folder, "--report-only");
            Assert.AreEqual(0, exit4, output4);
            StringAssert.Contains(output4, "Interim report: 4 of 8 runs finished");
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "**Interim report: 4 of 8 runs finished.**");
            using var interim = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            using var complete = JsonDocument.Parse(oneSeed);
            Assert.AreEqual(4, interim.RootElement.GetProperty("pendingRuns").GetInt32());
            Assert.AreEqual(0, complete.RootElement.GetProperty("pendingRuns").GetInt32());
            Assert.AreEqual(complete.RootElement.GetProperty("variants").GetRawText(), interim.RootElement.GetProperty("variants").GetRawText());
            Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(folder, "runs"), "*seed-2*").Any(), "--report-only trained a run");
            Assert.AreEqual(specBefore, File.ReadAllText(Path.Combine(folder, "spec.json")));
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), $"| code | {CodeVersion.Current} |");

            // Runs another build computed are not this code's results: trained again unless their reuse is asked for,
            // and then the report says which code computed them.
            Assert.AreEqual(4, OtherCode.Pretend(folder));
            var (exit5, output5) = LabRunner.Run("--preset", "smoke", "--out", folder, "--report-only");
            Assert.AreEqual(0, exit5, output5);
            StringAssert.Contains(output5, "No run of this experiment has finished");
            var (exit6, output6) = LabRunner.Run("--preset", "smoke", "--out", folder, "--reuse-runs-from-other-code", "--report-only");
            Assert.AreEqual(0, exit6, output6);
            StringAssert.Contains(output6, "All 4 runs are finished: the report is complete.");
            var (exit7, output7) = LabRunner.Run("--preset", "smoke", "--out", folder, "--reuse-runs-from-other-code");
            Assert.AreEqual(0, exit7, output7);
            StringAssert.Contains(output7, "Reused 4 finished run(s)");
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), $"| code | {OtherCode.Version} |");
            using var reused = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual(complete.RootElement.GetProperty("variants").GetRawText(), reused.RootElement.GetProperty("variants").GetRawText());
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AReportOfNoFinishedRunSaysSoAndReportOnlyWithFreshIsRefused()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-report-only-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("--preset", "smoke", "--out", folder, "--report-only");
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "No run of this experiment has finished");
            StringAssert.Contains(output, "(0 of 4)");
            StringAssert.Contains(output, "baseline/seed-1: not started");
            Assert.IsFalse(File.Exists(Path.Combine(folder, "report.md")));
            Assert.IsFalse(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(), "--report-only wrote or trained something");

            var (exit2, output2) = LabRunner.Run("--preset", "smoke", "--out", folder, "--report-only", "--fresh");
            Assert.AreNotEqual(0, exit2);
            StringAssert.Contains(output2, "--report-only trains no run and --fresh trains every run again");

            var (exit3, output3) = LabRunner.Run("--preset", "smoke", "--out", folder, "--fresh", "--reuse-runs-from-other-code");
            Assert.AreNotEqual(0, exit3);
            StringAssert.Contains(output3, "--fresh trains every run again and --reuse-runs-from-other-code reuses stored runs");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AnUnknownOptionIsAnErrorNamingItAndNothingRuns()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-unknown-option-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("--preset", "smoke", "--out", folder, "--parralel", "2");
            Assert.AreEqual(2, exit, output);
            StringAssert.Contains(output, "parralel");
            Assert.IsFalse(Directory.Exists(folder), "nothing ran");
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
