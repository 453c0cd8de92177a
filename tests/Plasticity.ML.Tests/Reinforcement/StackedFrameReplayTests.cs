using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>
/// A replay of frame-stacked observations stores each frame once and serves exactly the observations a replay of whole
/// observations serves: checked against such a replay fed the same experience in lockstep (same slots), before and
/// after the ring wraps.
/// </summary>
[TestClass]
public sealed class StackedFrameReplayTests
{
    internal const int Frames = 4, FrameSize = 6;

    /// <summary>Stacks of 4 grayscale frames of 1 x 2 x 3 bytes.</summary>
    internal static EnvironmentSpec Spec(int stacked) => new()
    {
        Name = "stacked-test",
        ObservationShape = [Frames, 2, 3],
        ChannelNames = [.. Enumerable.Range(0, Frames).Select(i => $"frame-{i}")],
        ObservationMaximum = 255,
        StackedFrames = stacked,
        ActionCount = 3,
        ActionNames = ["a", "b", "c"],
    };

    /// <summary>Plays random episodes (lengths 1 to 9, some truncated) into every buffer, keeping a frame stack as ALE does.</summary>
    internal static void Play(int steps, int seed, params ReplayBuffer[] buffers)
    {
        var random = new Random(seed);
        var stack = new Plasticity.ML.Reinforcement.Environments.Ale.FrameStack(Frames, FrameSize);
        var frame = new byte[FrameSize];
        var observation = new byte[Frames * FrameSize];
        int left = 0;
        for (int t = 0; t < steps; t++)
        {
            if (left == 0)
            {
                random.NextBytes(frame);
                stack.Fill(frame);
                stack.CopyTo(observation);
                foreach (var buffer in buffers) buffer.AddFirst(observation);
                left = random.Next(1, 10);
            }
            random.NextBytes(frame);
            stack.Push(frame);
            stack.CopyTo(observation);
            left--;
            bool end = left == 0, truncated = end && random.Next(3) == 0;
            int action = random.Next(3);
            float reward = random.Next(5);
            foreach (var buffer in buffers) buffer.AddStep(action, reward, end && !truncated, truncated, observation);
        }
    }

    private static ReplayBuffer Replay(int stacked, int capacity = 40) =>
        new(Spec(stacked), new ReplayOptions { Capacity = capacity }, steps: 3, gamma: 0.9);

    [TestMethod]
    public void BeforeTheRingWrapsItSamplesTheBatchesOfAReplayOfWholeObservationsWithAQuarterOfTheBytes()
    {
        var stacked = Replay(Frames, capacity: 200);
        var whole = Replay(1, capacity: 200);
        Play(120, seed: 3, stacked, whole);
        Assert.AreEqual(4, stacked.StackedFrames);
        Assert.AreEqual(whole.Count, stacked.Count);
        // Observation bytes: 200 frames of 6 against 200 stacks of 24; the rest (flags, actions, rewards) is shared,
        // plus a byte of frame depth per slot.
        Assert.AreEqual(whole.MemoryBytes - 200 * 18 + 200, stacked.MemoryBytes);

        AssertSameBatches(whole, stacked, Spec(1).ObservationShape, rounds: 5, seed: 9);
    }

    /// <summary>Draws batches of 16 from both buffers with the same seed: the same slots, observations, next
    /// observations, returns and discounts, draw for draw.</summary>
    internal static void AssertSameBatches(ReplayBuffer expected, ReplayBuffer actual, IReadOnlyList<int> observationShape, int rounds, int seed)
    {
        using var a = new ReplayBatch(16, observationShape);
        using var b = new ReplayBatch(16, observationShape);
        var randomA = new RandomStream(seed);
        var randomB = new RandomStream(seed);
        for (int round = 0; round < rounds; round++)
        {
            expected.Sample(a, randomA);
            actual.Sample(b, randomB);
            CollectionAssert.AreEqual(a.Slots, b.Slots);
            CollectionAssert.AreEqual(a.ObservationSpan.ToArray(), b.ObservationSpan.ToArray());
            CollectionAssert.AreEqual(a.NextObservationSpan.ToArray(), b.NextObservationSpan.ToArray());
            CollectionAssert.AreEqual(a.ReturnSpan.ToArray(), b.ReturnSpan.ToArray());
            CollectionAssert.AreEqual(a.DiscountSpan.ToArray(), b.DiscountSpan.ToArray());
        }
    }

    [TestMethod]
    public void AfterTheRingWrapsEverySampledAndCopiedObservationIsTheTrueStack()
    {
        var stacked = Replay(Frames);
        var whole = Replay(1);
        Play(500, seed: 5, stacked, whole);
        Assert.AreEqual(stacked.Capacity, stacked.Count, "the ring is full and has wrapped");

        using var batch = new ReplayBatch(32, Spec(4).ObservationShape);
        var random = new RandomStream(11);
        var expected = new byte[Frames * FrameSize];
        for (int round = 0; round < 20; round++)
        {
            stacked.Sample(batch, random);
            for (int i = 0; i < batch.Size; i++)
            {
                int index = stacked.IndexOf(batch.Slots[i]);
                whole.CopyObservation(index, expected);
                CollectionAssert.AreEqual(expected.Select(v => v / 255f).ToArray(), batch.ObservationSpan.Slice(i * expected.Length, expected.Length).ToArray(), $"observation at index {index}");
                var transition = whole.TransitionAt(index) ?? throw new AssertFailedException($"index {index} holds no transition in the whole replay");
                whole.CopyObservation(transition.NextIndex, expected);
                CollectionAssert.AreEqual(expected.Select(v => v / 255f).ToArray(), batch.NextObservationSpan.Slice(i * expected.Length, expected.Length).ToArray(), $"next observation of index {index}");
            }
        }

        // Every observation whose frames are all still stored copies out as the true stack; the others are refused.
        var copied = new byte[Frames * FrameSize];
        int refused = 0;
        for (int index = 0; index < stacked.Count; index++)
        {
            whole.CopyObservation(index, expected);
            try
            {
                stacked.CopyObservation(index, copied);
                CollectionAssert.AreEqual(expected, copied, $"index {index}");
            }
            catch (InvalidOperationException)
            {
                refused++;
                Assert.IsLessThan(Frames - 1, index, "only the oldest k - 1 slots can have lost frames");
            }
        }
        Assert.IsLessThanOrEqualTo(Frames - 1, refused);

        // The observation source draws whole stacks too.
        using var drawn = stacked.Sample(64, new Random(2));
        Assert.AreEqual(64L, drawn.shape[0]);
    }

    [TestMethod]
    public void AnEnvironmentThatDoesNotStackAsDeclaredIsRefusedAndTheBufferIsUnchanged()
    {
        var replay = Replay(Frames);
        var first = new byte[Frames * FrameSize];
        first[0] = 1; // frame 0 differs from the newest frame
        var e = Assert.ThrowsExactly<ArgumentException>(() => replay.AddFirst(first));
        StringAssert.Contains(e.Message, "StackedFrames");
        Assert.AreEqual(0, replay.Count);

        replay.AddFirst(new byte[Frames * FrameSize]);
        var unshifted = Enumerable.Range(0, Frames * FrameSize).Select(i => (byte)(i + 1)).ToArray();
        var s = Assert.ThrowsExactly<ArgumentException>(() => replay.AddStep(0, 1, false, false, unshifted));
        StringAssert.Contains(s.Message, "frame 0 of the next observation differs from frame 1");
        Assert.AreEqual((1, 0), (replay.Count, replay.Transitions), "nothing was written");

        var shifted = new byte[Frames * FrameSize];
        shifted[^1] = 7; // only the newest frame is new
        replay.AddStep(0, 1, false, false, shifted);
        Assert.AreEqual((2, 1), (replay.Count, replay.Transitions));
    }

    [TestMethod]
    public void StacksThatDoNotDivideTheChannelsOrFillTheCapacityAreRefused()
    {
        var odd = Spec(3);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ReplayBuffer(odd, new ReplayOptions { Capacity = 40 }, 1, 0.9)).Message, "divide its 4 channels");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ReplayBuffer(Spec(4), new ReplayOptions { Capacity = 4 }, 1, 0.9)).Message, "must exceed the 4 frames");
    }

    [TestMethod]
    public void AStackedReplayRoundTripsThroughItsState()
    {
        var replay = Replay(Frames);
        Play(300, seed: 8, replay);
        var bag = new StateBag("replay");
        replay.Save(bag);
        var loaded = Replay(Frames);
        loaded.Load(bag);
        var a = new byte[Frames * FrameSize];
        var b = new byte[Frames * FrameSize];
        for (int index = Frames; index < replay.Count; index++)
        {
            replay.CopyObservation(index, a);
            loaded.CopyObservation(index, b);
            CollectionAssert.AreEqual(a, b, $"index {index}");
        }

        var wholeBag = new StateBag("replay");
        Replay(1).Save(wholeBag);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Replay(Frames).Load(wholeBag)).Message, "slots of");
    }
}
