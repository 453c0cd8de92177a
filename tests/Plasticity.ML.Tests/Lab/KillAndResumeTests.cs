using System.Text.Json.Nodes;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class KillAndResumeTests
{
    private static readonly string[] Arguments = ["plasticity", "--preset", "smoke", "--steps", "300", "--parallel", "1"];

    /// <summary>summary.json without its timings: the numbers that must not depend on the kill.</summary>
    private static string Numbers(string folder)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!;
        foreach (var variant in node["variants"]!.AsArray()) variant!.AsObject().Remove("secondsPerRun");
        return node.ToJsonString();
    }

    [TestMethod]
    public void ALabRunKilledWithSigkillResumesFromItsCheckpointsAndEndsWithTheSameNumbers()
    {
        string uninterrupted = Path.Combine(Path.GetTempPath(), "plasticity-kill-reference-" + Guid.NewGuid().ToString("N"));
        string killed = Path.Combine(Path.GetTempPath(), "plasticity-kill-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run([.. Arguments, "--out", uninterrupted]);
            Assert.AreEqual(0, exit, output);

            // Killed with SIGKILL: nothing gets to clean up or flush.
            LabRunner.RunAndSignal(Arguments, killed, "KILL");
            Assert.IsFalse(File.Exists(Path.Combine(killed, "summary.json")), "the killed lab did not get to write its summary");

            var (exit2, output2) = LabRunner.Run([.. Arguments, "--out", killed]);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "resumed at task", "the lab says which run it resumed and from which task");
            Assert.AreEqual(Numbers(uninterrupted), Numbers(killed));
            Assert.IsEmpty(Directory.EnumerateFiles(Path.Combine(killed, "runs"), "*.checkpoint*"), "finished runs leave no checkpoints behind");
        }
        finally
        {
            foreach (var folder in new[] { uninterrupted, killed })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ALabRunSentSigtermStopsCleanlyAndResumesToTheSameNumbers()
    {
        string uninterrupted = Path.Combine(Path.GetTempPath(), "plasticity-term-reference-" + Guid.NewGuid().ToString("N"));
        string stopped = Path.Combine(Path.GetTempPath(), "plasticity-term-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run([.. Arguments, "--out", uninterrupted]);
            Assert.AreEqual(0, exit, output);

            // kill, docker stop and job schedulers send SIGTERM: the lab stops as it does for Ctrl+C, checkpointing
            // the runs in progress, and exits with 130 (not 143, the code of a process SIGTERM ended).
            var (exit2, output2) = LabRunner.RunAndSignal(Arguments, stopped, "TERM");
            Assert.AreEqual(130, exit2, output2);
            StringAssert.Contains(output2, "Stopping cleanly (SIGTERM)");
            StringAssert.Contains(output2, "Cancelled.");

            var (exit3, output3) = LabRunner.Run([.. Arguments, "--out", stopped]);
            Assert.AreEqual(0, exit3, output3);
            Assert.AreEqual(Numbers(uninterrupted), Numbers(stopped));
        }
        finally
        {
            foreach (var folder in new[] { uninterrupted, stopped })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
