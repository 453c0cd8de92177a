using System.Text.Json;
using System.Text.Json.Nodes;
using Plasticity.Lab.Catalog;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments.Agents;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// The lab's reinforcement-learning experiments at their smoke presets: every standard file, plot and report section,
/// the experiment-specific analysis (rliable's aggregate for rl, the chain's score for continual-minatar, the probe after
/// each task for classification-mdp), reuse of stored runs, and a lab killed with SIGKILL that resumes every run.
/// </summary>
[TestClass]
public sealed class AgentLabTests
{
    private static string Folder(string name) => Path.Combine(Path.GetTempPath(), $"plasticity-lab-{name}-{Guid.NewGuid():N}");

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4], path);
    }

    [TestMethod]
    public void TheRlSmokePresetReportsEveryGameTheAggregateWithIntervalsAndThePublishedReturnsAndReusesItsRuns()
    {
        string folder = Folder("rl");
        try
        {
            var (exit, output) = LabRunner.Run("rl", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "5 tracks x 4 variants x 1 seeds = 20 runs");

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            var root = summary.RootElement;
            Assert.AreEqual("rl", root.GetProperty("experiment").GetString());
            Assert.AreEqual(20, root.GetProperty("runs").GetArrayLength());
            var aggregate = root.GetProperty("aggregate");
            var normalization = aggregate.GetProperty("normalization").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "asterix", "breakout", "freeway", "seaquest", "space_invaders" }, normalization.Select(n => n.GetProperty("game").GetString()).ToArray());
            CollectionAssert.AreEqual(new double[] { 17, 10, 50, 20, 43 }, normalization.Select(n => n.GetProperty("maximum").GetDouble()).ToArray(), "the maximum is the MinAtar paper's DQN at 5M frames");
            Assert.IsTrue(normalization.All(n => n.GetProperty("minimum").GetDouble() < n.GetProperty("maximum").GetDouble()));
            var variants = aggregate.GetProperty("variants").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "dqn", "dqn-layernorm", "c51", "c51-layernorm" }, variants.Select(v => v.GetProperty("variant").GetString()).ToArray());
            foreach (var v in variants)
            {
                var iqm = v.GetProperty("interquartileMean");
                Assert.AreEqual(5, v.GetProperty("runs").GetInt32());
                Assert.AreEqual(50_000, iqm.GetProperty("resamples").GetInt32());
                double estimate = iqm.GetProperty("estimate").GetDouble();
                Assert.IsTrue(double.IsFinite(estimate));
                // One seed per game: every stratified resample is the data itself.
                Assert.AreEqual(estimate, iqm.GetProperty("lower").GetDouble());
                Assert.AreEqual(estimate, iqm.GetProperty("upper").GetDouble());
            }
            Assert.IsTrue(aggregate.GetProperty("games").EnumerateArray().All(g => g.GetProperty("publishedFrames").GetInt64() == 5_000_000 && g.GetProperty("ourFrames").GetInt64() == 1_500));

            // Evaluations at the start, after 750 steps and at the end (1,500) of each of the 20 runs.
            Assert.AreEqual(1 + 20 * 3, File.ReadAllLines(Path.Combine(folder, "evaluations.csv")).Length);
            StringAssert.Contains(File.ReadLines(Path.Combine(folder, "probes.csv")).First(), "dormantFraction.tau0.1");
            foreach (var game in new[] { "asterix", "breakout", "freeway", "seaquest", "space_invaders" })
                AssertPng(Path.Combine(folder, $"learning-curve-{game}.png"));
            AssertPng(Path.Combine(folder, "probe-loss.png"));
            AssertPng(Path.Combine(folder, "dormant-units.png"));
            AssertPng(Path.Combine(folder, RlExperiment.AggregatePlot));
            string report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, "interquartile mean");
            StringAssert.Contains(report, "published DQN (5M frames)");
            StringAssert.Contains(report, "learning-curve-freeway.png");
            StringAssert.Contains(report, $"]({RlExperiment.AggregatePlot})");

            var (exit2, output2) = LabRunner.Run("rl", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "Reused 20 finished run(s)");
            // The spec written repeats the experiment (and reuses its runs).
            var (exit3, output3) = LabRunner.Run("--spec", Path.Combine(folder, "spec.json"), "--out", folder);
            Assert.AreEqual(0, exit3, output3);
            StringAssert.Contains(output3, "Reused 20 finished run(s)");
            // A spec run is not called by the preset it did not use.
            StringAssert.Contains(output3, "rl (custom: spec.json)");
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "| preset | custom: spec.json |");
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), $"| code | {CodeVersion.Current} |");

            // An interim report of the two-seed experiment whose 20 seed-1 runs are finished: those runs' rows, as the
            // one-seed report had them, and the second seed neither trained nor started.
            string oneSeed = File.ReadAllText(Path.Combine(folder, "summary.json"));
            string specBefore = File.ReadAllText(Path.Combine(folder, "spec.json"));
            var (exit4, output4) = LabRunner.Run("rl", "--preset", "smoke", "--seeds", "2", "--out", folder, "--report-only");
            Assert.AreEqual(0, exit4, output4);
            StringAssert.Contains(output4, "Interim report: 20 of 40 runs finished");
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "**Interim report: 20 of 40 runs finished.**");
            using var interim = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            using var complete = JsonDocument.Parse(oneSeed);
            Assert.AreEqual(20, interim.RootElement.GetProperty("pendingRuns").GetInt32());
            Assert.AreEqual(complete.RootElement.GetProperty("runs").GetRawText(), interim.RootElement.GetProperty("runs").GetRawText());
            Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(folder, "runs"), "*seed-2*").Any(), "--report-only trained or started a run");
            Assert.AreEqual(specBefore, File.ReadAllText(Path.Combine(folder, "spec.json")));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AnInterimReportSaysWhereEachUnfinishedRunStandsFromItsCheckpoint()
    {
        string folder = Folder("interim");
        try
        {
            var smoke = ((AgentLabExperiment)ExperimentCatalog.Find("continual-minatar")).CreateSpec(LabPreset.Smoke);
            var spec = smoke with { Variants = [smoke.Variants[0]], Seeds = 3, ParallelRuns = 1 };
            Directory.CreateDirectory(folder);
            string specPath = Path.Combine(folder, "spec.json");
            PlasticityJson.WriteFile(specPath, spec);
            // Seed 1 finishes; seed 2 is stopped once past step 1,000 of its 3,000, checkpointing where it stopped;
            // seed 3 never starts.
            using var cancel = new CancellationTokenSource();
            var stopSeed2 = new InlineProgress<AgentExperimentProgress>(p => { if (p.Seed == 2 && p.Agent.Step >= 1_000) cancel.Cancel(); });
            try
            {
                new AgentExperimentRunner().Run(spec, folder, stopSeed2, cancel.Token);
                Assert.Fail("the run was not cancelled");
            }
            catch (OperationCanceledException)
            {
            }

            var (exit, output) = LabRunner.Run("--spec", specPath, "--out", folder, "--report-only");
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "Interim report: 1 of 3 runs finished");
            StringAssert.Matches(output, new System.Text.RegularExpressions.Regex(@"double-dqn/seed-2: step 1,[0-9]{3} of 3,000 \(3[0-9]%\); checkpoint of 20[0-9-]+ [0-9:]+ UTC"));
            StringAssert.Contains(output, "double-dqn/seed-3: not started");
            string report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, "## Runs not finished");
            StringAssert.Contains(report, "| space_invaders-asterix-seaquest/double-dqn/seed-3 | not started |");

            // A spec naming seeds 1 and 3 reports those two only; --seeds asks for consecutive seeds instead of its list.
            string listPath = Path.Combine(folder, "seed-list.json");
            PlasticityJson.WriteFile(listPath, spec with { SeedList = [1, 3] });
            (exit, output) = LabRunner.Run("--spec", listPath, "--out", folder, "--report-only");
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "Interim report: 1 of 2 runs finished");
            Assert.DoesNotContain("seed-2", output);
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "| seeds | 2 (1, 3) |");
            (exit, output) = LabRunner.Run("--spec", listPath, "--seeds", "1", "--out", folder, "--report-only");
            Assert.AreEqual(0, exit, output);
            StringAssert.Contains(output, "The one run is finished: the report is complete.");
            StringAssert.Contains(output, "Report written.");
            Assert.DoesNotContain("Interim report", output);
            report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, "| seeds | 1 (1) |");
            Assert.DoesNotContain("Interim report", report);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void TheClassificationMdpSmokePresetProbesAfterEveryTaskOfEveryVariant()
    {
        string folder = Folder("mdp");
        try
        {
            var (exit, output) = LabRunner.Run("classification-mdp", "--preset", "smoke", "--tasks", "2", "--out", folder);
            Assert.AreEqual(0, exit, output);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            var tasks = summary.RootElement.GetProperty("tasks").EnumerateArray().ToList();
            CollectionAssert.AreEqual(new[] { "true-labels", "true-labels", "random-labels", "random-labels", "sparse-reward", "sparse-reward" },
                tasks.Select(t => t.GetProperty("track").GetString()).ToArray());
            foreach (var t in tasks)
            {
                // The initial network and the end of each of the 2 tasks.
                var probe = t.GetProperty("probeLoss").EnumerateArray().Select(p => p.GetProperty("mean").GetDouble()).ToList();
                Assert.HasCount(3, probe);
                Assert.IsTrue(probe.All(double.IsFinite));
                Assert.AreEqual(probe[2] - probe[0], t.GetProperty("plasticityLoss").GetProperty("mean").GetDouble(), 1e-12);
                var rate = t.GetProperty("rewardRate").EnumerateArray().Select(p => p.GetProperty("mean").GetDouble()).ToList();
                Assert.HasCount(2, rate);
                Assert.IsTrue(rate.All(r => r is >= 0 and <= 1));
            }
            // Evaluations at each task's end only: 6 runs x 2 tasks.
            Assert.AreEqual(1 + 6 * 2, File.ReadAllLines(Path.Combine(folder, "evaluations.csv")).Length);
            string report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, "Plasticity over tasks");
            // The probe's interval is set past the run's end (it runs after each task): the report says so, not the number.
            StringAssert.Contains(report, "when learning starts and at each stage's end");
            StringAssert.DoesNotMatch(report, new System.Text.RegularExpressions.Regex("every [0-9,]+ steps and at each stage's end"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void SettingsThatDoNotApplyAreRefusedAndTheNewExperimentsAreListed()
    {
        var (exit, output) = LabRunner.Run("rl", "--preset", "smoke", "--tasks", "3", "--out", Folder("refused"));
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(output, "--tasks does not apply to 'rl'");
        var (exit2, output2) = LabRunner.Run("continual-minatar", "--preset", "paper");
        Assert.AreEqual(2, exit2);
        StringAssert.Contains(output2, "smoke, default, full");
        var (exit3, output3) = LabRunner.Run("list");
        Assert.AreEqual(0, exit3);
        foreach (var name in new[] { "rl", "continual-minatar", "classification-mdp" }) StringAssert.Contains(output3, name);
    }

    /// <summary>summary.json: the numbers that must not depend on the kill.</summary>
    private static string Numbers(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.ToJsonString();

    [TestMethod]
    public void AContinualMinAtarLabKilledWithSigkillResumesEveryRunToTheNumbersOfAnUninterruptedOne()
    {
        string[] arguments = ["continual-minatar", "--preset", "smoke", "--steps", "400"];
        string uninterrupted = Folder("chain-reference"), killed = Folder("chain-killed");
        try
        {
            var (exit, output) = LabRunner.Run([.. arguments, "--out", uninterrupted]);
            Assert.AreEqual(0, exit, output);
            using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(uninterrupted, "summary.json"))))
            {
                var chain = summary.RootElement.GetProperty("chain");
                Assert.AreEqual(22.04, chain.GetProperty("published").GetProperty("vanilla").GetDouble());
                Assert.AreEqual(5, chain.GetProperty("variants").GetArrayLength());
                var first = chain.GetProperty("variants")[0];
                double mean = first.GetProperty("chain").GetProperty("mean").GetDouble();
                Assert.IsTrue(double.IsFinite(mean));
                // Each seed's chain score is the mean of its run's evaluations, and the variant's score their mean.
                var perSeed = first.GetProperty("perSeed").EnumerateArray().ToList();
                Assert.AreEqual(first.GetProperty("seeds").GetInt32(), perSeed.Count);
                foreach (var seed in perSeed)
                {
                    string record = Path.Combine(uninterrupted, "runs", $"space_invaders-asterix-seaquest.{first.GetProperty("variant").GetString()}.seed-{seed.GetProperty("seed").GetInt64()}.json");
                    using var run = JsonDocument.Parse(File.ReadAllText(record));
                    var returns = run.RootElement.GetProperty("result").GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("meanReturn").GetDouble()).ToList();
                    Assert.AreEqual(returns.Average(), seed.GetProperty("chain").GetDouble(), 1e-12);
                }
                Assert.AreEqual(perSeed.Average(p => p.GetProperty("chain").GetDouble()), mean, 1e-12);
                StringAssert.Contains(File.ReadAllText(Path.Combine(uninterrupted, "report.md")), "Each seed's scores");
            }
            AssertPng(Path.Combine(uninterrupted, "learning-curve-space_invaders-asterix-seaquest.png"));

            // The lab as its own process, killed with SIGKILL as soon as a run has crossed a game switch (its checkpoint).
            LabRunner.RunAndSignal(arguments, killed, "KILL");
            Assert.IsFalse(File.Exists(Path.Combine(killed, "summary.json")), "the killed lab did not get to write its summary");

            var (exit2, output2) = LabRunner.Run([.. arguments, "--out", killed]);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "resumed at step");
            Assert.AreEqual(Numbers(uninterrupted), Numbers(killed));
            Assert.IsEmpty(Directory.EnumerateFiles(Path.Combine(killed, "runs"), "*.checkpoint*"));
        }
        finally
        {
            foreach (var folder in new[] { uninterrupted, killed })
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
