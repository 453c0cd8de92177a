using System.Diagnostics;
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

            // The lab as a separate process (the test host must survive the kill), killed with SIGKILL as soon as a run
            // has written a checkpoint: nothing gets to clean up or flush.
            string lab = Path.Combine(AppContext.BaseDirectory, "Plasticity.Lab.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Arguments.Prepend(lab).Concat(["--out", killed])) start.ArgumentList.Add(argument);
            using (var process = Process.Start(start)!)
            {
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                string runs = Path.Combine(killed, "runs");
                var clock = Stopwatch.StartNew();
                while (!(Directory.Exists(runs) && Directory.EnumerateFiles(runs, "*.checkpoint").Any()))
                {
                    Assert.IsFalse(process.HasExited, "the lab finished before it wrote a checkpoint");
                    Assert.IsLessThan(120.0, clock.Elapsed.TotalSeconds, "no checkpoint appeared");
                    Thread.Sleep(5);
                }
                process.Kill(entireProcessTree: true); // SIGKILL on Linux
                process.WaitForExit();
            }
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
}
