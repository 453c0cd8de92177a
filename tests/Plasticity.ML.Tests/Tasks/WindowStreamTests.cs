using Plasticity.ML.Data;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Tests.Tasks;

[TestClass]
public sealed class WindowStreamTests
{
    private string folder = "";

    [TestInitialize]
    public void Create()
    {
        folder = Path.Combine(Path.GetTempPath(), "plasticity-streams-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TestCleanup]
    public void Remove() => Directory.Delete(folder, recursive: true);

    [TestMethod]
    public void AStreamFileReadsBackExactlyAndOnlyTheWindowsAsked()
    {
        var labels = new WindowStream("labels", 2, TargetKind.ClassLabels, 3,
            [new StreamWindow([0.5f, -1f, 2f, 3f], [2, 0]), new StreamWindow([1e-7f, 4f], [1]), new StreamWindow([7f, 8f], [0])]);
        string path = Path.Combine(folder, "labels.windows");
        string sha = WindowStreamFile.Write(path, labels);
        Assert.AreEqual(sha, WindowStreamFile.Sha256(path));
        Assert.AreEqual(3, WindowStreamFile.CountWindows(path));
        var back = WindowStreamFile.Read(path, expectedSha256: sha);
        Assert.AreEqual("labels", back.Name);
        Assert.AreEqual(TargetKind.ClassLabels, back.TargetKind);
        Assert.AreEqual(3, back.TargetCount);
        for (int w = 0; w < 3; w++)
        {
            CollectionAssert.AreEqual(labels.Windows[w].Features, back.Windows[w].Features);
            CollectionAssert.AreEqual(labels.Windows[w].Labels, back.Windows[w].Labels);
        }
        Assert.AreEqual(2, WindowStreamFile.Read(path, windows: 2).Count);

        var regression = new WindowStream("values", 1, TargetKind.Regression, 2, [new StreamWindow([1f, 2f], [0.25f, -0.5f, 3f, 4f], 2)]);
        string values = Path.Combine(folder, "values.windows");
        WindowStreamFile.Write(values, regression);
        var read = WindowStreamFile.Read(values);
        CollectionAssert.AreEqual(new[] { 0.25f, -0.5f, 3f, 4f }, read.Windows[0].Targets);
        Assert.IsNull(read.Windows[0].Labels);

        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => WindowStreamFile.Read(path, expectedSha256: new string('A', 64))).Message, "the file changed since it was referenced");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => WindowStreamFile.Read(path)).Message, "the file ends inside window 2");
        Assert.ThrowsExactly<FileNotFoundException>(() => WindowStreamFile.Read(Path.Combine(folder, "missing.windows")));
    }

    [TestMethod]
    public void TheDriftingStreamIsDriftRetrainingsStream()
    {
        var images = FashionMnist.LoadEmbedded();
        var spec = new DriftingStreamSpec { Windows = 6, ImagesPerWindow = 40, Seed = 1 };
        var stream = spec.Build(images);
        Assert.AreEqual(6, stream.Count);
        Assert.AreEqual(784, stream.FeatureCount);

        // samples/DriftRetraining: the first Windows x ImagesPerWindow images of Subset(seed 1), classes permuted by a
        // ClassPermutation sequence of seed 2 every two windows in the first half, a PartialRelabel sequence of seed 3 after.
        var chosen = images.Subset(240, seed: 1);
        var permuted = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = 6, Seed = 2 }, chosen);
        var relabeled = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.PartialRelabel, Tasks = 6, Seed = 3, RelabelFraction = 0.2 }, chosen);
        for (int w = 0; w < 6; w++)
        {
            int[] expected = (w < 3 ? permuted.LabelsFor(w / 2) : relabeled.LabelsFor(w - 3 + 1)).AsSpan(w * 40, 40).ToArray();
            CollectionAssert.AreEqual(expected, stream.Windows[w].Labels, $"window {w}");
            CollectionAssert.AreEqual(chosen.Pixels.AsSpan(w * 40 * 784, 40 * 784).ToArray(), stream.Windows[w].Features, $"window {w}");
        }
        // Windows 0 and 1 share a permutation of the true classes; window 2 has another.
        var p0 = permuted.ClassPermutation(0);
        var p1 = permuted.ClassPermutation(1);
        CollectionAssert.AreNotEqual(p0, p1);
        for (int i = 0; i < 40; i++) Assert.AreEqual(p0[chosen.Labels[40 + i]], stream.Windows[1].Labels![i]);

        Assert.ThrowsExactly<ArgumentException>(() => (spec with { ImagesPerWindow = 5000 }).Build(images));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (spec with { RelabelFraction = 2 }).Validate()).Message, "RelabelFraction must lie in [0, 1]; got 2");
    }
}
