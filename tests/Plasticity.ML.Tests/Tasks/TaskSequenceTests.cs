using Plasticity.ML.Data;
using Plasticity.ML.Tasks;
using Plasticity.ML.Common;

namespace Plasticity.ML.Tests.Tasks;

[TestClass]
public sealed class TaskSequenceTests
{
    private static readonly ImageDataset Data = FashionMnist.LoadEmbedded().Subset(1000, seed: 1);

    private static TaskSequence Sequence(TaskSequenceKind kind, long seed = 3, double eps = 0.1) =>
        TaskSequence.Create(new TaskSequenceSpec { Kind = kind, Tasks = 4, Seed = seed, RelabelFraction = eps }, Data);

    [TestMethod]
    [DataRow(TaskSequenceKind.RandomLabels)]
    [DataRow(TaskSequenceKind.ClassPermutation)]
    [DataRow(TaskSequenceKind.PartialRelabel)]
    public void LabelSequencesAreDeterministicFromTheirSeed(TaskSequenceKind kind)
    {
        var a = Sequence(kind);
        var b = Sequence(kind);
        for (int t = 0; t < 4; t++) CollectionAssert.AreEqual(a.LabelsFor(t), b.LabelsFor(t));
        CollectionAssert.AreNotEqual(a.LabelsFor(3), Sequence(kind, seed: 4).LabelsFor(3));
    }

    [TestMethod]
    public void RandomLabelsChangeBetweenTasksAndCoverAllClasses()
    {
        var s = Sequence(TaskSequenceKind.RandomLabels);
        var t0 = s.LabelsFor(0);
        var t1 = s.LabelsFor(1);
        double same = t0.Zip(t1).Count(p => p.First == p.Second) / (double)t0.Length;
        Assert.AreEqual(0.1, same, 0.04, "Independent uniform labels agree about 1/10 of the time.");
        Assert.AreEqual(10, t0.Distinct().Count());
    }

    [TestMethod]
    public void ClassPermutationIsAPermutationAppliedToTheTrueLabels()
    {
        var s = Sequence(TaskSequenceKind.ClassPermutation);
        for (int t = 0; t < 4; t++)
        {
            var permutation = s.ClassPermutation(t);
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).ToArray(), permutation);
            var labels = s.LabelsFor(t);
            for (int i = 0; i < labels.Length; i++) Assert.AreEqual(permutation[Data.Labels[i]], labels[i]);
        }
        CollectionAssert.AreNotEqual(s.ClassPermutation(0), s.ClassPermutation(1));
    }

    [TestMethod]
    public void PermutedInputsPermuteFeaturesButKeepLabels()
    {
        using var tensors = TorchSharp.torch.NewDisposeScope();
        var s = Sequence(TaskSequenceKind.PermutedInputs);
        using var t0 = s.CreateTask(0);
        using var t2 = s.CreateTask(2);
        var permutation = s.InputPermutation(2);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 784).ToArray(), permutation);
        var x0 = t0.Inputs.data<float>().ToArray();
        var x2 = t2.Inputs.data<float>().ToArray();
        for (int j = 0; j < 784; j += 37) Assert.AreEqual(x0[permutation[j]], x2[j]);
        Assert.IsTrue(t0.Targets.SameValues(t2.Targets));
    }

    [TestMethod]
    public void PartialRelabelChangesExactlyEpsOfTheLabelsPerTask()
    {
        var s = Sequence(TaskSequenceKind.PartialRelabel, eps: 0.2);
        CollectionAssert.AreEqual(Data.Labels, s.LabelsFor(0), "Task 0 has the true labels.");
        for (int t = 1; t < 4; t++)
        {
            var before = s.LabelsFor(t - 1);
            var after = s.LabelsFor(t);
            int changed = before.Zip(after).Count(p => p.First != p.Second);
            Assert.AreEqual(200, changed, $"task {t}");
        }
    }

    [TestMethod]
    public void RandomRegressionTargetsAreSineValuesThatDifferPerTask()
    {
        using var tensors = TorchSharp.torch.NewDisposeScope();
        var spec = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomRegression, Tasks = 2, Seed = 1, OffsetRange = 0 };
        var s = TaskSequence.Create(spec, Data);
        using var t0 = s.CreateTask(0);
        using var t1 = s.CreateTask(1);
        CollectionAssert.AreEqual(new long[] { 1000, 1 }, t0.Targets.shape);
        Assert.IsLessThanOrEqualTo(1.0, t0.Targets.abs().max().item<float>());
        // sin of a huge argument is spread over [-1, 1]: variance near 1/2.
        Assert.AreEqual(0.5, t0.Targets.var().item<float>(), 0.08);
        Assert.IsFalse(t0.Targets.SameValues(t1.Targets));
        using var again = TaskSequence.Create(spec, Data).CreateTask(1);
        Assert.IsTrue(t1.Targets.SameValues(again.Targets));
    }

    [TestMethod]
    public void TargetOffsetDriftShiftsTheSameFunctionByTheStep()
    {
        using var tensors = TorchSharp.torch.NewDisposeScope();
        var spec = new TaskSequenceSpec { Kind = TaskSequenceKind.TargetOffsetDrift, Tasks = 3, Seed = 1, OffsetStep = 2.5 };
        var s = TaskSequence.Create(spec, Data);
        using var t0 = s.CreateTask(0);
        using var t2 = s.CreateTask(2);
        using var difference = t2.Targets - t0.Targets;
        Assert.IsLessThan(1e-5, difference.Minus(5.0).abs().max().item<float>());
    }

    [TestMethod]
    public void InvalidSpecsAreRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => TaskSequence.Create(new TaskSequenceSpec { Tasks = 0 }, Data));
        StringAssert.Contains(e.Message, "Tasks");
        e = Assert.ThrowsExactly<ArgumentException>(() => TaskSequence.Create(new TaskSequenceSpec { RelabelFraction = 1.5 }, Data));
        StringAssert.Contains(e.Message, "RelabelFraction");
    }
}
