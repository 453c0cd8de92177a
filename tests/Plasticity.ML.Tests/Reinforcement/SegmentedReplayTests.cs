using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// A replay whose observations need more than one array (over a gigabyte: ALE's 84 x 84 frames past about 150,000
/// slots) keeps them in segments of whole slots. Here segments of a few slots stand in for gigabytes, so every path
/// crosses segment boundaries many times; a replay in one array, fed the same experience, is the known answer.
/// </summary>
[TestClass]
public sealed class SegmentedReplayTests
{
    private const int Frames = StackedFrameReplayTests.Frames, FrameSize = StackedFrameReplayTests.FrameSize;

    /// <summary>7 frames of 6 bytes per segment: 40 slots make 5 full segments and one of 5.</summary>
    private const long SegmentBytes = 7 * FrameSize;

    private static ReplayBuffer Replay(EnvironmentSpec spec, long? segmentBytes) => segmentBytes is long bytes
        ? new ReplayBuffer(spec, new ReplayOptions { Capacity = 40 }, steps: 3, gamma: 0.9, segmentBytes: bytes)
        : new ReplayBuffer(spec, new ReplayOptions { Capacity = 40 }, steps: 3, gamma: 0.9);

    [TestMethod]
    public void FrameStacksInSegmentsAreSampledAndCopiedAsInOneArrayAfterTheRingWraps()
    {
        var spec = StackedFrameReplayTests.Spec(Frames);
        var segmented = Replay(spec, SegmentBytes);
        var single = Replay(spec, null);
        StackedFrameReplayTests.Play(500, seed: 6, segmented, single);
        Assert.AreEqual(single.MemoryBytes, segmented.MemoryBytes, "the same bytes, split differently");
        AssertSameContents(single, segmented, spec.ObservationShape);
    }

    [TestMethod]
    public void PackedBitsInSegmentsAreSampledAndCopiedAsInOneArray()
    {
        // 10 channels of 2 x 2 booleans, 5 packed bytes a slot: 3 slots per 16-byte segment, so some segments end
        // mid-way through what would be one array's byte run.
        var spec = new EnvironmentSpec
        {
            Name = "bits-test",
            ObservationShape = [10, 2, 2],
            ChannelNames = [.. Enumerable.Range(0, 10).Select(i => $"c{i}")],
            ActionCount = 3,
            ActionNames = ["a", "b", "c"],
        };
        var segmented = Replay(spec, segmentBytes: 16);
        var single = Replay(spec, null);
        Assert.IsTrue(segmented.StoresBits);
        var random = new Random(12);
        var observation = new byte[40];
        void Draw() { for (int i = 0; i < observation.Length; i++) observation[i] = (byte)random.Next(2); }
        for (int t = 0; t < 300; t++)
        {
            if (t % 7 == 0)
            {
                Draw();
                segmented.AddFirst(observation);
                single.AddFirst(observation);
            }
            Draw();
            bool end = t % 7 == 6;
            segmented.AddStep(t % 3, t % 4, end, false, observation);
            single.AddStep(t % 3, t % 4, end, false, observation);
        }
        AssertSameContents(single, segmented, spec.ObservationShape);
    }

    [TestMethod]
    public void ASegmentedReplayRoundTripsThroughItsStateOneEntryPerSegment()
    {
        var spec = StackedFrameReplayTests.Spec(Frames);
        var replay = Replay(spec, SegmentBytes);
        StackedFrameReplayTests.Play(300, seed: 9, replay);
        var bag = new StateBag("replay");
        replay.Save(bag);
        CollectionAssert.AreEqual(new[] { "observations", "observations.1", "observations.2", "observations.3", "observations.4", "observations.5" },
            bag.Names.Where(n => n.StartsWith("observations", StringComparison.Ordinal)).ToArray());
        Assert.HasCount(5 * FrameSize, bag.GetBytes("observations.5"), "the last segment holds the 5 slots left");

        var loaded = Replay(spec, SegmentBytes);
        loaded.Load(bag);
        AssertSameContents(replay, loaded, spec.ObservationShape);

        // The agent's resume adopts the arrays instead of copying them (a replay of gigabytes is then held once): the
        // bag gives them up, and the adopting buffer reads and writes them as its own.
        var handedOver = SavedBag(replay);
        var adopted = Replay(spec, SegmentBytes);
        adopted.Load(handedOver, adoptObservations: true);
        Assert.IsFalse(handedOver.Names.Any(n => n.StartsWith("observations", StringComparison.Ordinal)), "the bag handed its arrays over");
        AssertSameContents(replay, adopted, spec.ObservationShape);
        StackedFrameReplayTests.Play(100, seed: 10, replay, adopted);
        AssertSameContents(replay, adopted, spec.ObservationShape);

        // One array's state does not fit segments: refused, naming the entry and both sizes.
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Replay(spec, SegmentBytes).Load(SavedBag(Replay(spec, null))));
        StringAssert.Contains(e.Message, "'observations' holds 240 bytes, but the target has 42");
    }

    [TestMethod]
    public void ACheckpointRewritesOnlyTheSegmentsWhoseSlotsChangedAndResumesTheSameReplay()
    {
        var spec = StackedFrameReplayTests.Spec(Frames);
        var replay = Replay(spec, SegmentBytes);
        StackedFrameReplayTests.Play(300, seed: 9, replay);
        string path = Path.Combine(Path.GetTempPath(), $"plasticity-replay-parts-{Guid.NewGuid():N}.checkpoint");
        try
        {
            // Full segments (42 bytes) become parts; the last one (30 bytes) stays inside the archive.
            Checkpoint Save()
            {
                var checkpoint = new Checkpoint("replay") { PartThreshold = (int)SegmentBytes };
                replay.Save(checkpoint.Add("replay"));
                checkpoint.Save(path);
                return checkpoint;
            }
            var before = Save();
            string folder = CheckpointParts.FolderOf(path);
            Assert.HasCount(5, Directory.EnumerateFiles(folder));
            var written = Directory.EnumerateFiles(folder).ToDictionary(f => f, File.GetLastWriteTimeUtc);

            // A few more steps write a few slots: the known answer is which segments' bytes differ.
            StackedFrameReplayTests.Play(10, seed: 11, replay); // at least 10 slots in a row: more than the last segment's 5
            var after = Save();
            var changed = Enumerable.Range(0, 5).Count(k =>
                !before.Bag("replay").GetBytes(ReplayBuffer.SegmentEntry(k)).AsSpan().SequenceEqual(after.Bag("replay").GetBytes(ReplayBuffer.SegmentEntry(k))));
            Assert.IsTrue(changed is >= 1 and < 5, $"a few slots change some segments, not all; {changed} changed");
            Assert.HasCount(5 + changed, Directory.EnumerateFiles(folder), "new parts for the changed segments only");
            Assert.AreEqual(5, written.Count(w => File.Exists(w.Key) && File.GetLastWriteTimeUtc(w.Key) == w.Value),
                "the first checkpoint's parts stay as they were: the unchanged ones are not rewritten, the changed ones serve the previous generation");

            var resumed = Replay(spec, SegmentBytes);
            resumed.Load(Checkpoint.Load(path).Bag("replay"), adoptObservations: true);
            AssertSameContents(replay, resumed, spec.ObservationShape);
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ACheckpointHashesOnlyTheSegmentsWrittenSinceTheyWereLastNamed()
    {
        var spec = StackedFrameReplayTests.Spec(Frames);
        var replay = Replay(spec, SegmentBytes);
        StackedFrameReplayTests.Play(300, seed: 9, replay);
        string folder = Path.Combine(Path.GetTempPath(), $"plasticity-replay-hashing-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string Save(ReplayBuffer from, string name)
            {
                string path = Path.Combine(folder, name);
                var checkpoint = new Checkpoint("replay") { PartThreshold = (int)SegmentBytes };
                from.Save(checkpoint.Add("replay"), borrowObservations: true);
                checkpoint.Save(path);
                return path;
            }
            ReplayBuffer Resume(string path)
            {
                var resumed = Replay(spec, SegmentBytes);
                resumed.Load(Checkpoint.Load(path).Bag("replay"), adoptObservations: true);
                return resumed;
            }

            // The five full segments become parts and are hashed once; the short last one stays in the archive, unhashed.
            string first = Save(replay, "first.checkpoint");
            Assert.AreEqual(5, replay.ObservationSegmentsHashed);
            var before = Enumerable.Range(0, 5).Select(k => CheckpointParts.NameOf(SegmentBytesOf(replay, k))).ToArray();

            // Nothing written: nothing hashed again. Some slots written: exactly the segments whose bytes changed.
            Save(replay, "first.checkpoint");
            Assert.AreEqual(5, replay.ObservationSegmentsHashed, "no segment changed, so none is hashed again");
            StackedFrameReplayTests.Play(10, seed: 11, replay);
            int changed = Enumerable.Range(0, 5).Count(k => CheckpointParts.NameOf(SegmentBytesOf(replay, k)) != before[k]);
            Assert.IsTrue(changed is >= 1 and < 5, $"a few slots change some segments, not all; {changed} changed");
            Save(replay, "first.checkpoint");
            Assert.AreEqual(5 + changed, replay.ObservationSegmentsHashed, "the written segments, and only they, are hashed");

            // A replay resumed from parts knows their names (they were checked on reading): its first checkpoint hashes
            // nothing, and writes the same parts.
            var resumed = Resume(first);
            string second = Save(resumed, "second.checkpoint");
            Assert.AreEqual(0, resumed.ObservationSegmentsHashed);
            CollectionAssert.AreEquivalent(
                Directory.EnumerateFiles(CheckpointParts.FolderOf(second)).Select(Path.GetFileName).ToArray(),
                Enumerable.Range(0, 5).Select(k => CheckpointParts.NameOf(SegmentBytesOf(replay, k))).ToArray());

            // Writing after a resume forgets the names of the segments written: the next checkpoint resumes the same replay.
            StackedFrameReplayTests.Play(10, seed: 12, replay, resumed);
            AssertSameContents(replay, Resume(Save(resumed, "second.checkpoint")), spec.ObservationShape);

            // So does a restore that copies into the segments rather than adopting them.
            var copied = Replay(spec, SegmentBytes);
            StackedFrameReplayTests.Play(200, seed: 13, copied);
            Save(copied, "third.checkpoint");
            copied.Load(SavedBag(replay));
            AssertSameContents(replay, Resume(Save(copied, "third.checkpoint")), spec.ObservationShape);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The bytes segment <paramref name="k"/> of <paramref name="replay"/> holds, as its unborrowed state has them.</summary>
    private static byte[] SegmentBytesOf(ReplayBuffer replay, int k) => SavedBag(replay).GetBytes(ReplayBuffer.SegmentEntry(k));

    private static StateBag SavedBag(ReplayBuffer replay)
    {
        var bag = new StateBag("replay");
        replay.Save(bag);
        return bag;
    }

    /// <summary>Every stored observation copies out the same, and the same seed draws the same batches.</summary>
    private static void AssertSameContents(ReplayBuffer expected, ReplayBuffer actual, IReadOnlyList<int> observationShape)
    {
        Assert.AreEqual((expected.Count, expected.Transitions), (actual.Count, actual.Transitions));
        int observationBytes = observationShape.Aggregate(1, (x, y) => x * y);
        var a = new byte[observationBytes];
        var b = new byte[observationBytes];
        int copied = 0;
        for (int index = 0; index < expected.Count; index++)
        {
            try
            {
                expected.CopyObservation(index, a);
            }
            catch (InvalidOperationException)
            {
                Assert.ThrowsExactly<InvalidOperationException>(() => actual.CopyObservation(index, b), $"index {index} lost frames in both");
                continue;
            }
            actual.CopyObservation(index, b);
            CollectionAssert.AreEqual(a, b, $"index {index}");
            copied++;
        }
        Assert.IsGreaterThanOrEqualTo(expected.Count - (Frames - 1), copied);

        StackedFrameReplayTests.AssertSameBatches(expected, actual, observationShape, rounds: 10, seed: 21);
    }
}
