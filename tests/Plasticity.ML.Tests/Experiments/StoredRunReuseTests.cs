using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;

namespace Plasticity.ML.Tests.Experiments;

/// <summary>
/// Stored runs computed by other code: trained again by default, reused when asked (settings must still match), and
/// their records say which code computed them (<see cref="OtherCode"/> stands in for a rebuilt library).
/// </summary>
[TestClass]
public sealed class StoredRunReuseTests
{
    /// <summary>One run: the first track and variant of the runner tests' spec.</summary>
    private static AgentExperimentSpec AgentSpec => AgentExperimentRunnerTests.Spec with
    {
        Tracks = [AgentExperimentRunnerTests.Spec.Tracks[0]],
        Variants = [AgentExperimentRunnerTests.Spec.Variants[0]],
    };

    private static ExperimentSpec SupervisedSpec => VariantTaskKindTests.Spec(new VariantSpec { Name = "plain" });

    private static string Folder() => Path.Combine(Path.GetTempPath(), "plasticity-reuse-" + Guid.NewGuid().ToString("N"));

    [TestMethod]
    public void AnAgentRunRecordsItsCodeAndSettings()
    {
        string folder = Folder();
        try
        {
            var spec = AgentSpec;
            var run = new AgentExperimentRunner().Run(spec, folder).Runs.Single();
            Assert.AreEqual(CodeVersion.Current, run.Code);
            var options = AgentExperimentRunner.Options(spec, spec.Tracks[0], spec.Variants[0], 1, new Lazy<Plasticity.ML.Data.ImageDataset?>(() => null));
            string settings = AgentExperimentRunner.SettingsFingerprint(spec, spec.Tracks[0], options);
            Assert.AreEqual(settings, run.SettingsFingerprint);
            Assert.AreEqual(AgentExperimentRunner.Settings(spec, spec.Tracks[0], options), run.Settings);
            Assert.AreEqual(AgentExperimentRunner.Fingerprint(spec, spec.Tracks[0], options), run.Fingerprint);
            Assert.AreNotEqual(settings, run.Fingerprint, "the full fingerprint also holds the code");
            Assert.AreNotEqual(settings, AgentExperimentRunner.SettingsFingerprint(spec, spec.Tracks[0], options with { Gamma = 0.98 }));
            Assert.AreEqual(settings, AgentExperimentRunner.SettingsFingerprint(spec, spec.Tracks[0], options with { Threads = 7 }), "threads decide speed, not numbers");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void AnAgentRunFromOtherCodeIsReusedOnlyWhenAskedAndOnlyWithTheSameSettings()
    {
        string folder = Folder();
        try
        {
            var spec = AgentSpec;
            var first = new AgentExperimentRunner().Run(spec, folder);
            Assert.AreEqual(1, OtherCode.Pretend(folder));

            var strict = new AgentExperimentRunner { StoredRunsOnly = true }.Run(spec, folder);
            Assert.IsEmpty(strict.Runs);
            Assert.AreEqual(1, strict.PendingRuns);

            var reused = new AgentExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true }.Run(spec, folder);
            Assert.AreEqual(1, reused.ResumedRuns);
            Assert.AreEqual(OtherCode.Version, reused.Runs.Single().Code);
            Assert.AreEqual(ResultNumbers.Of(first.Runs.Single().Result, "threads"), ResultNumbers.Of(reused.Runs.Single().Result, "threads"));

            var otherSettings = new AgentExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true }
                .Run(spec with { Agent = spec.Agent with { LearningStarts = 31 } }, folder);
            Assert.AreEqual(0, otherSettings.ResumedRuns, "other settings are never reused");

            // Trained again by default, and stored with this code.
            var again = new AgentExperimentRunner().Run(spec, folder);
            Assert.AreEqual(0, again.ResumedRuns);
            Assert.AreEqual(CodeVersion.Current, again.Runs.Single().Code);
            Assert.AreEqual(ResultNumbers.Of(first.Runs, "threads"), ResultNumbers.Of(again.Runs, "threads"));

            // A record from before settings fingerprints were stored cannot show its settings match.
            Assert.AreEqual(1, OtherCode.Pretend(folder, keepSettingsFingerprint: false));
            var old = new AgentExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true }.Run(spec, folder);
            Assert.AreEqual(0, old.ResumedRuns);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ARunFromCodeWithoutASettingAddedSinceIsReusedWhileTheSettingIsAtItsDefault()
    {
        string folder = Folder();
        try
        {
            var spec = AgentSpec;
            new AgentExperimentRunner().Run(spec, folder);
            var reuse = new AgentExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true };

            // Code from before AgentOptions.ClipRewards: its records have no such setting, and so another settings hash.
            OtherCode.Pretend(folder, edit: record =>
            {
                record["settingsFingerprint"] = "FEDCBA9876543210";
                Assert.IsTrue(record["settings"]!["options"]!.AsObject().Remove("clipRewards"));
            });
            Assert.AreEqual(1, reuse.Run(spec, folder).ResumedRuns, "read back, the missing setting is at its default, as this run's is");
            Assert.AreEqual(0, reuse.Run(spec with { Agent = spec.Agent with { ClipRewards = true } }, folder).ResumedRuns);

            // The stored settings decide, not the stored hash.
            OtherCode.Pretend(folder, edit: record => record["settings"]!["options"]!["gamma"] = 0.5);
            Assert.AreEqual(0, reuse.Run(spec, folder).ResumedRuns);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void ASupervisedRunFromOtherCodeIsReusedOnlyWhenAskedAndOnlyWithTheSameSettings()
    {
        string folder = Folder();
        try
        {
            var spec = SupervisedSpec;
            var first = new ExperimentRunner().Run(spec, folder);
            var run = first.Runs.Single();
            Assert.AreEqual(CodeVersion.Current, run.Code);
            Assert.AreEqual(ExperimentRunner.SettingsFingerprint(spec, spec.Variants[0], 1), run.SettingsFingerprint);
            Assert.AreEqual(ExperimentRunner.Fingerprint(spec, spec.Variants[0], 1), run.Fingerprint);
            Assert.AreEqual(1, OtherCode.Pretend(folder));

            Assert.AreEqual(1, new ExperimentRunner { StoredRunsOnly = true }.Run(spec, folder).PendingRuns);
            var reused = new ExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true }.Run(spec, folder);
            Assert.AreEqual(1, reused.ResumedRuns);
            Assert.AreEqual(OtherCode.Version, reused.Runs.Single().Code);
            Assert.AreEqual(run.Result.Tasks[^1].FinalTrainLoss, reused.Runs.Single().Result.Tasks[^1].FinalTrainLoss);

            var otherSettings = new ExperimentRunner { StoredRunsOnly = true, ReuseRunsFromOtherCode = true }
                .Run(spec with { Training = spec.Training with { StepsPerTask = 4 } }, folder);
            Assert.AreEqual(0, otherSettings.ResumedRuns);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
