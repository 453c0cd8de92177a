using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plasticity.Lab.Analysis;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class SearchLabTests
{
    private static readonly string[] Smoke = ["search", "--preset", "smoke"];
    private static string? reference;

    /// <summary>An uninterrupted smoke search, run once for the tests that compare against it.</summary>
    private static string Reference()
    {
        if (reference is not null) return reference;
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-search-reference-" + Guid.NewGuid().ToString("N"));
        var (exit, output) = LabRunner.Run([.. Smoke, "--out", folder]);
        Assert.AreEqual(0, exit, output);
        return reference = folder;
    }

    [ClassCleanup]
    public static void RemoveReference()
    {
        if (reference is not null && Directory.Exists(reference)) Directory.Delete(reference, recursive: true);
    }

    /// <summary>What must not depend on a stop and resume: history lines without times, costs and workers, and the held-out result.</summary>
    /// <summary>The search in <paramref name="folder"/> has the history and held-out result of the one in <paramref name="expected"/>.</summary>
    private static void AssertSameNumbers(string expected, string folder)
    {
        var (lines, heldOut) = Numbers(folder);
        var (expectedLines, expectedHeldOut) = Numbers(expected);
        CollectionAssert.AreEqual(expectedLines, lines);
        Assert.AreEqual(expectedHeldOut, heldOut);
    }

    private static (string[] Lines, string HeldOut) Numbers(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "history.jsonl")).Select(l =>
        {
            var node = JsonNode.Parse(l)!.AsObject();
            foreach (var name in new[] { "time", "elapsed", "cost", "worker" }) node.Remove(name);
            return node.ToJsonString();
        }).Order(StringComparer.Ordinal).ToArray();
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!;
        return (lines, summary["heldOut"]!.ToJsonString());
    }

    [TestMethod]
    public void TheSmokeSearchWritesItsHistorySummaryPlotsAndReport()
    {
        string folder = Reference();
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        var root = summary.RootElement;
        Assert.AreEqual("search", root.GetProperty("experiment").GetString());
        Assert.AreEqual("RandomSearchTuner", root.GetProperty("tuner").GetString());
        Assert.AreEqual(4, root.GetProperty("budget").GetProperty("maxTrials").GetInt32());
        Assert.AreEqual(4, root.GetProperty("trials").GetInt32());
        Assert.AreEqual(4, root.GetProperty("completed").GetInt32());
        Assert.AreEqual("TrialBudget", root.GetProperty("stoppedBy").GetString());
        var best = root.GetProperty("best");
        Assert.IsTrue(best.GetProperty("metric").GetDouble() is >= 0 and <= 1);
        Assert.AreEqual(4, best.GetProperty("parameters").EnumerateObject().Count(), "learning rate, normalization, width, intervention");
        var heldOut = root.GetProperty("heldOut");
        Assert.AreEqual(4, heldOut.GetProperty("firstWindow").GetInt32());
        CollectionAssert.AreEqual(new[] { 4, 5 }, heldOut.GetProperty("perWindow").EnumerateArray().Select(w => w.GetProperty("window").GetInt32()).ToArray());
        Assert.IsTrue(double.IsFinite(heldOut.GetProperty("best").GetDouble()) && double.IsFinite(heldOut.GetProperty("default").GetDouble()));
        Assert.AreEqual(4, root.GetProperty("importance").GetArrayLength());

        Assert.HasCount(1 + 4 + 4, File.ReadAllLines(Path.Combine(folder, "history.jsonl")));
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        foreach (var plot in new[] { "trials-over-time.png", "best-so-far.png", "parameter-importance.png", "held-out-windows.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, plot));
            CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], plot);
            StringAssert.Contains(report, plot);
        }
        StringAssert.Contains(report, "held out");
    }

    [TestMethod]
    public void ASearchStoppedByCtrlCResumesWithTheSameCommandAndEndsLikeAnUninterruptedOne()
    {
        string expected = Reference();
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-search-cancel-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var cancel = new CancellationTokenSource();
            var watcher = Task.Run(async () =>
            {
                string history = Path.Combine(folder, "history.jsonl");
                while (!cancel.IsCancellationRequested)
                {
                    try
                    {
                        if (File.Exists(history) && File.ReadAllLines(history).Count(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal)) >= 2)
                        {
                            cancel.Cancel();
                            return;
                        }
                    }
                    catch (IOException)
                    {
                    }
                    await Task.Delay(10);
                }
            });
            var (exit, output) = LabRunner.Run(cancel.Token, [.. Smoke, "--out", folder]);
            watcher.Wait();
            Assert.AreEqual(130, exit, output);
            StringAssert.Contains(output, "Cancelled.");
            Assert.IsFalse(File.Exists(Path.Combine(folder, "summary.json")), "it stopped before the end");

            var (exit2, output2) = LabRunner.Run([.. Smoke, "--out", folder]);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "Resumed the search");
            AssertSameNumbers(expected, folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ASearchKilledWithSigkillResumesLosingOnlyItsTrialsInFlight()
    {
        string expected = Reference();
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-search-kill-" + Guid.NewGuid().ToString("N"));
        try
        {
            string lab = Path.Combine(AppContext.BaseDirectory, "Plasticity.Lab.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Smoke.Prepend(lab).Concat(["--out", folder])) start.ArgumentList.Add(argument);
            string history = Path.Combine(folder, "history.jsonl");
            using (var process = Process.Start(start)!)
            {
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var clock = Stopwatch.StartNew();
                while (!(File.Exists(history) && File.ReadAllText(history).Contains("\"event\":\"result\"", StringComparison.Ordinal)))
                {
                    Assert.IsFalse(process.HasExited, "the search finished before a trial was recorded");
                    Assert.IsLessThan(180.0, clock.Elapsed.TotalSeconds, "no trial was recorded");
                    Thread.Sleep(5);
                }
                process.Kill(entireProcessTree: true); // SIGKILL: the search and its workers
                process.WaitForExit();
            }
            int recorded = File.ReadAllLines(history).Count(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal));
            Assert.IsLessThan(4, recorded, "killed before the end");

            var (exit, output) = LabRunner.Run([.. Smoke, "--out", folder]);
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "Resumed the search");
            AssertSameNumbers(expected, folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ASmokeSearchOnALocalClusterOfTwoSilosSurvivesAKilledSiloAndEndsLikeTheLocalSearch()
    {
        string expected = Reference();
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-search-cluster-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Two silo processes of the lab on loopback ports; the second is killed (SIGKILL) as soon as it runs a trial.
            var (exit, output) = LabRunner.Run([.. Smoke, "--out", folder, "--cluster", "2", "--kill-silo-after", "0"]);
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "Cluster: 2 silo(s), 2 trial slot(s)");
            StringAssert.Contains(output, "Killed silo 1");
            StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"trial \d+ was lost with silo .*; it runs again on a live silo"));
            var (lines, heldOut) = Numbers(folder);
            var (expectedLines, expectedHeldOut) = Numbers(expected);
            CollectionAssert.AreEqual(expectedLines, lines, "the same trials as the search on local worker processes, each recorded once");
            Assert.AreEqual(expectedHeldOut, heldOut);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void BadClusterArgumentsAreNamed()
    {
        string never = Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N"));
        var (exit, output) = LabRunner.Run("search", "--preset", "smoke", "--cluster", "1", "--kill-silo-after", "3", "--out", never);
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(output, "--kill-silo-after needs --cluster 2 or more");
        (exit, output) = LabRunner.Run("search", "--preset", "smoke", "--cluster-db", "Npgsql", "--out", never);
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(output, "--cluster-db and --cluster-connection go together");
        Assert.IsFalse(Directory.Exists(never));
    }

    [TestMethod]
    public void BadSearchArgumentsAreNamed()
    {
        var (exit, output) = LabRunner.Run("search", "--preset", "smoke", "--tuner", "bayes", "--out", Path.Combine(Path.GetTempPath(), "never-" + Guid.NewGuid().ToString("N")));
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(output, "--tuner must be random, grid, cfo, asha or pbt; got bayes");
    }

    [TestMethod]
    public void ParameterImportanceHasKnownAnswers()
    {
        Assert.AreEqual(1.0, ParameterImportance.Spearman([1, 2, 3, 4], [10, 20, 25, 100]), 1e-12, "monotone: rank correlation 1");
        Assert.AreEqual(-1.0, ParameterImportance.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 1e-12);
        // Ties take average ranks: x ranks (1.5, 1.5, 3), y ranks (1, 2, 3): r = 1.5 / sqrt(1.5 * 2) = 0.866...
        Assert.AreEqual(Math.Sqrt(3) / 2, ParameterImportance.Spearman([1, 1, 2], [1, 2, 3]), 1e-12);
        Assert.IsTrue(double.IsNaN(ParameterImportance.Spearman([1, 2], [1, 2])), "too few trials");
        Assert.AreEqual(1.0, ParameterImportance.Eta(["a", "a", "b", "b"], [1, 1, 3, 3]), 1e-12, "the choice explains everything");
        Assert.AreEqual(0.0, ParameterImportance.Eta(["a", "b", "a", "b"], [1, 1, 3, 3]), 1e-12, "the choice explains nothing");
        // Between-group sum of squares 2 * 1^2 + 1 * 2^2 = 6 of a total 6 + 2 * 0.5^2 (within a) = 6.5.
        Assert.AreEqual(Math.Sqrt(6 / 6.5), ParameterImportance.Eta(["a", "a", "b"], [1.5, 2.5, 5]), 1e-12);
    }
}
