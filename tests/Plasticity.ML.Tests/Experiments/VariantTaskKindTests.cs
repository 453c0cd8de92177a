using Plasticity.ML.Experiments;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Experiments;

[TestClass]
public sealed class VariantTaskKindTests
{
    /// <summary>A supervised experiment of two tiny random-label tasks, one seed.</summary>
    internal static ExperimentSpec Spec(params VariantSpec[] variants) => new()
    {
        Name = "task-kind",
        Data = new DataSpec { Samples = 64 },
        Tasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 2, Seed = 5 },
        Training = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [784], HiddenWidths = [8], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
            BatchSize = 16,
            StepsPerTask = 3,
        },
        Variants = variants,
        Seeds = 1,
        ParallelRuns = 1,
    };

    [TestMethod]
    public void ATaskKindReplacesOnlyTheKind()
    {
        var baseTasks = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 7, Seed = 11 };
        Assert.AreSame(baseTasks, new VariantSpec { Name = "a" }.ApplyTasks(baseTasks));
        var permuted = new VariantSpec { Name = "b", TaskKind = TaskSequenceKind.PermutedInputs }.ApplyTasks(baseTasks);
        Assert.AreEqual(baseTasks with { Kind = TaskSequenceKind.PermutedInputs }, permuted);
    }

    [TestMethod]
    public void TheFingerprintFollowsTheTasksTheVariantRuns()
    {
        var plain = new VariantSpec { Name = "plain" };
        var same = new VariantSpec { Name = "same", TaskKind = TaskSequenceKind.RandomLabels };
        var permuted = new VariantSpec { Name = "permuted", TaskKind = TaskSequenceKind.PermutedInputs };
        var spec = Spec(plain, same, permuted);
        Assert.AreEqual(ExperimentRunner.Fingerprint(spec, plain, 1), ExperimentRunner.Fingerprint(spec, same, 1));
        Assert.AreNotEqual(ExperimentRunner.Fingerprint(spec, plain, 1), ExperimentRunner.Fingerprint(spec, permuted, 1));
    }

    [TestMethod]
    public void TheRunnerTrainsEachVariantOnItsOwnTaskKind()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-task-kind-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = Spec(
                new VariantSpec { Name = "plain" },
                new VariantSpec { Name = "same", TaskKind = TaskSequenceKind.RandomLabels },
                new VariantSpec { Name = "permuted", TaskKind = TaskSequenceKind.PermutedInputs });
            var result = new ExperimentRunner().Run(spec, folder);
            double Loss(string variant) => result.RunsOf(variant).Single().Result.Tasks[^1].FinalTrainLoss;
            // Same seed, network and batches: only the targets differ, so equal kinds give bit-identical losses.
            Assert.AreEqual(Loss("plain"), Loss("same"));
            Assert.AreNotEqual(Loss("plain"), Loss("permuted"));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
