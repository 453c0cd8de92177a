using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Reinforcement;

[TestClass]
public sealed class ReplayBufferTests
{
    /// <summary>A 1-channel 2x2 boolean "environment" whose observation encodes a step number in its 4 bits.</summary>
    private static EnvironmentSpec Spec(int channels = 1, int size = 2, byte maximum = 1, int actions = 3) => new()
    {
        Name = "test",
        ObservationShape = [channels, size, size],
        ChannelNames = Enumerable.Range(0, channels).Select(c => $"c{c}").ToArray(),
        ObservationMaximum = maximum,
        ActionCount = actions,
        ActionNames = Enumerable.Range(0, actions).Select(a => $"a{a}").ToArray(),
    };

    /// <summary>Observation number k as 4 bits (k mod 16), so slots can be told apart after decoding.</summary>
    private static byte[] Observation(int k) => [(byte)(k & 1), (byte)((k >> 1) & 1), (byte)((k >> 2) & 1), (byte)((k >> 3) & 1)];

    private static int Decode(ReadOnlySpan<byte> bits) => bits[0] + 2 * bits[1] + 4 * bits[2] + 8 * bits[3];

    private static int ObservationNumber(ReplayBuffer replay, int index)
    {
        var bytes = new byte[4];
        replay.CopyObservation(index, bytes);
        return Decode(bytes);
    }

    [TestMethod]
    public void NStepReturnsStopAtTerminationAndBootstrapAfterTruncation()
    {
        // Episode 1: observations 0..5, rewards 1..5, terminated after the 5th step. Episode 2: observations 6..8,
        // rewards 1 and 1, truncated after the 2nd. n = 3, gamma = 0.5.
        var replay = new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 20 }, steps: 3, gamma: 0.5);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 5; t++) replay.AddStep(t % 3, t, terminated: t == 5, truncated: false, Observation(t));
        replay.AddFirst(Observation(6));
        replay.AddStep(0, 1, false, false, Observation(7));
        replay.AddStep(0, 1, false, truncated: true, Observation(8));
        Assert.AreEqual(9, replay.Count, "every observation once, the final ones included");
        Assert.AreEqual(7, replay.Transitions);

        Expect(0, next: 3, value: 1 + 0.5 * 2 + 0.25 * 3, discount: 0.125, steps: 3);
        Expect(2, next: 5, value: 3 + 0.5 * 4 + 0.25 * 5, discount: 0, steps: 3); // terminates on the window's last step
        Expect(3, next: 5, value: 4 + 0.5 * 5, discount: 0, steps: 2);
        Expect(4, next: 5, value: 5, discount: 0, steps: 1);
        Assert.IsNull(replay.TransitionAt(5), "nothing starts at an episode's final observation");
        Expect(6, next: 8, value: 1 + 0.5 * 1, discount: 0.25, steps: 2); // truncated: bootstrap from the final observation
        Expect(7, next: 8, value: 1, discount: 0.5, steps: 1);
        Assert.IsNull(replay.TransitionAt(8));
        Assert.AreEqual(5, ObservationNumber(replay, 5));

        void Expect(int index, int next, double value, double discount, int steps)
        {
            var transition = replay.TransitionAt(index) ?? throw new AssertFailedException($"no transition at {index}");
            Assert.AreEqual((next, value, discount, steps), transition, $"transition at {index}");
        }
    }

    [TestMethod]
    public void AWindowThatHasNotArrivedIsNotSampledAndTheRingWrapsAround()
    {
        // Capacity 5, one long episode: rewards equal the step number. After 8 steps the ring holds observations 4..8.
        var replay = new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 5 }, steps: 2, gamma: 0.5);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 8; t++) replay.AddStep(0, t, false, false, Observation(t));
        Assert.AreEqual(5, replay.Count);
        Assert.AreEqual(4, replay.Transitions, "the newest observation has no action yet");
        CollectionAssert.AreEqual(new[] { 4, 5, 6, 7, 8 }, Enumerable.Range(0, 5).Select(i => ObservationNumber(replay, i)).ToArray());
        // From observation 4: rewards 5 and 6 -> 5 + 0.5 * 6, next is observation 6 (index 2), across the ring's end.
        Assert.AreEqual((2, 5 + 0.5 * 6, 0.25, 2), replay.TransitionAt(0));
        Assert.AreEqual((4, 7 + 0.5 * 8, 0.25, 2), replay.TransitionAt(2));
        Assert.IsNull(replay.TransitionAt(3), "its second reward has not arrived");
        Assert.IsNull(replay.TransitionAt(4));

        using var batch = new ReplayBatch(64, [1, 2, 2]);
        replay.Sample(batch, new RandomStream(1));
        var starts = batch.Slots.Select(replay.IndexOf).Distinct().Order().ToArray();
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, starts, "only complete windows are drawn, each of them");
    }

    [TestMethod]
    public void ABatchIsDecodedIntoTheSamePreallocatedTensors()
    {
        using var tensors = NewDisposeScope();
        var replay = new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 50 }, steps: 1, gamma: 0.9);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 12; t++) replay.AddStep(t % 3, t * 0.5f, terminated: t == 12, false, Observation(t));
        using var batch = new ReplayBatch(8, [1, 2, 2]);
        var observations = batch.Observations;
        for (int round = 0; round < 2; round++)
        {
            replay.Sample(batch, new RandomStream(round));
            Assert.AreSame(observations, batch.Observations);
            var obs = batch.Observations.reshape(8, 4).data<float>().ToArray();
            var next = batch.NextObservations.reshape(8, 4).data<float>().ToArray();
            for (int b = 0; b < 8; b++)
            {
                int k = replay.IndexOf(batch.Slots[b]);
                int Number(float[] values) => (int)(values[4 * b] + 2 * values[4 * b + 1] + 4 * values[4 * b + 2] + 8 * values[4 * b + 3]);
                Assert.AreEqual(k, Number(obs), "observation");
                Assert.AreEqual(k + 1, Number(next), "next observation");
                Assert.AreEqual((long)((k + 1) % 3), batch.Actions.data<long>()[b]);
                Assert.AreEqual((k + 1) * 0.5f, batch.Returns.data<float>()[b]);
                Assert.AreEqual(k == 11 ? 0f : 0.9f, batch.Discounts.data<float>()[b]);
                Assert.AreEqual(1f, batch.Weights.data<float>()[b]);
            }
        }
    }

    [TestMethod]
    public void BitsAndBytesDecodeToTheScaledObservation()
    {
        var random = new Random(3);
        // 7 channels of 10x10 (700 elements: not a multiple of 8) as bits; a 255-maximum image as bytes.
        var bits = Enumerable.Range(0, 700).Select(_ => (byte)random.Next(2)).ToArray();
        var bitReplay = new ReplayBuffer(Spec(channels: 7, size: 10), new ReplayOptions { Capacity = 4 }, 1, 0.99);
        Assert.IsTrue(bitReplay.StoresBits);
        bitReplay.AddFirst(bits);
        using var decodedBits = bitReplay.Sample(1, new Random(0));
        CollectionAssert.AreEqual(new long[] { 1, 7, 10, 10 }, decodedBits.shape);
        CollectionAssert.AreEqual(bits.Select(b => (float)b).ToArray(), decodedBits.data<float>().ToArray());

        var pixels = Enumerable.Range(0, 2 * 3 * 3).Select(_ => (byte)random.Next(256)).ToArray();
        var byteReplay = new ReplayBuffer(Spec(channels: 2, size: 3, maximum: 255), new ReplayOptions { Capacity = 4 }, 1, 0.99);
        Assert.IsFalse(byteReplay.StoresBits);
        byteReplay.AddFirst(pixels);
        using var decodedBytes = byteReplay.Sample(1, new Random(0));
        CollectionAssert.AreEqual(pixels.Select(b => b / 255f).ToArray(), decodedBytes.data<float>().ToArray());

        var error = Assert.ThrowsExactly<ArgumentException>(() => bitReplay.AddFirst(bits.Select((b, i) => i == 9 ? (byte)2 : b).ToArray())).Message;
        StringAssert.Contains(error, "element 9 is 2");
        var wrongSize = Assert.ThrowsExactly<ArgumentException>(() => bitReplay.AddFirst(new byte[699])).Message;
        StringAssert.Contains(wrongSize, "699");
    }

    [TestMethod]
    public void AMillionMinAtarTransitionsFitWellUnderAGigabyte()
    {
        // Seaquest: 10 channels of 10 x 10 booleans.
        var spec = Spec(channels: 10, size: 10, actions: 6);
        var replay = new ReplayBuffer(spec, new ReplayOptions { Capacity = 1_000_000 }, steps: 1, gamma: 0.99);
        // 125 bytes of bits per observation + 1 action byte + 4 reward bytes + 1 flag byte.
        Assert.AreEqual(1_000_000L * (125 + 1 + 4 + 1), replay.MemoryBytes);
        Assert.AreEqual(1_000_000L * (2 * 4 * 1000 + 16), ReplayBuffer.NaiveFloat32Bytes(spec, 1_000_000));
    }

    [TestMethod]
    public void UniformSamplingIsDecidedByTheStreamAndVisitsEveryTransitionAlike()
    {
        var replay = new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 16 }, steps: 1, gamma: 0.99);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 8; t++) replay.AddStep(0, t, t == 8, false, Observation(t));
        using var batch = new ReplayBatch(32, [1, 2, 2]);
        var counts = new int[8];
        var first = new List<int>();
        for (int round = 0; round < 250; round++)
        {
            replay.Sample(batch, round == 0 ? new RandomStream(7) : RandomStream.For(7, "x", round));
            if (round == 0) first.AddRange(batch.Slots);
            foreach (int slot in batch.Slots) counts[replay.IndexOf(slot)]++;
        }
        replay.Sample(batch, new RandomStream(7));
        CollectionAssert.AreEqual(first, batch.Slots, "the same stream state draws the same batch");
        // 8,000 draws over 8 transitions: each count is about 1,000 (binomial sd about 30).
        foreach (int c in counts) Assert.IsTrue(Math.Abs(c - 1000) < 150, $"counts [{string.Join(", ", counts)}]");
    }

    [TestMethod]
    public void PrioritizedSamplingFollowsThePrioritiesAndWeightsCorrectForIt()
    {
        using var tensors = NewDisposeScope();
        var options = new ReplayOptions { Capacity = 8, Prioritized = true, PriorityExponent = 1.0, ImportanceExponent = 0.5, PriorityEpsilon = 1e-9 };
        var replay = new ReplayBuffer(Spec(), options, steps: 1, gamma: 0.99);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 3; t++) replay.AddStep(0, t, t == 3, false, Observation(t));
        Assert.AreEqual(1.0, replay.PriorityOf(0), "a new transition gets the largest priority so far");
        Assert.AreEqual(0.0, replay.PriorityOf(3), "a final observation is never drawn");
        replay.UpdatePriorities([0, 1, 2], [1f, 2f, 7f]);
        Assert.AreEqual(7.0, replay.PriorityOf(2), 1e-6);

        using var batch = new ReplayBatch(10, [1, 2, 2]);
        var counts = new int[3];
        var stream = new RandomStream(11);
        for (int round = 0; round < 2000; round++)
        {
            replay.Sample(batch, stream);
            foreach (int slot in batch.Slots) counts[slot]++;
        }
        // Probabilities 0.1, 0.2, 0.7 over 20,000 draws (stratified, so closer than binomial).
        Assert.AreEqual(2000, counts[0], 150);
        Assert.AreEqual(4000, counts[1], 200);
        Assert.AreEqual(14000, counts[2], 200);
        // Weights (p_i / p_min)^-0.5 within the batch.
        var weights = batch.Weights.data<float>().ToArray();
        double smallest = batch.Slots.Min(s => replay.PriorityOf(s));
        for (int b = 0; b < 10; b++)
            Assert.AreEqual(Math.Pow(replay.PriorityOf(batch.Slots[b]) / smallest, -0.5), weights[b], 1e-6);

        // A new transition enters with the largest priority seen (7).
        replay.AddFirst(Observation(4));
        replay.AddStep(1, 0, false, false, Observation(5));
        Assert.AreEqual(7.0, replay.PriorityOf(4), 1e-6);
    }

    [TestMethod]
    public void TheWholeBufferRoundTripsThroughAStateBag()
    {
        using var tensors = NewDisposeScope();
        var options = new ReplayOptions { Capacity = 6, Prioritized = true };
        var replay = new ReplayBuffer(Spec(), options, steps: 2, gamma: 0.9);
        replay.AddFirst(Observation(0));
        for (int t = 1; t <= 9; t++)
        {
            replay.AddStep(t % 3, t, t == 4, false, Observation(t));
            if (t == 4) replay.AddFirst(Observation(15));
        }
        using (var one = new ReplayBatch(1, [1, 2, 2]))
        {
            replay.Sample(one, new RandomStream(9));
            replay.UpdatePriorities(one.Slots, [3f]);
        }
        var bag = new StateBag("replay");
        replay.Save(bag);
        using var stream = new MemoryStream();
        bag.WriteTo(stream);
        stream.Position = 0;
        var restored = new ReplayBuffer(Spec(), options, steps: 2, gamma: 0.9);
        restored.Load(StateBag.ReadFrom(stream, "replay"));
        Assert.AreEqual(replay.Count, restored.Count);
        Assert.AreEqual(replay.Written, restored.Written);
        for (int i = 0; i < replay.Count; i++)
        {
            Assert.AreEqual(replay.TransitionAt(i), restored.TransitionAt(i), $"transition {i}");
            Assert.AreEqual(ObservationNumber(replay, i), ObservationNumber(restored, i));
        }
        using var a = new ReplayBatch(16, [1, 2, 2]);
        using var b = new ReplayBatch(16, [1, 2, 2]);
        replay.Sample(a, new RandomStream(5));
        restored.Sample(b, new RandomStream(5));
        CollectionAssert.AreEqual(a.Slots, b.Slots);
        Assert.IsTrue(a.Weights.SameValues(b.Weights));
        // The restored buffer goes on where the original stopped.
        replay.AddStep(0, 1, false, false, Observation(10));
        restored.AddStep(0, 1, false, false, Observation(10));
        Assert.AreEqual(replay.TransitionAt(replay.Count - 3), restored.TransitionAt(restored.Count - 3));

        var other = new ReplayBuffer(Spec(), options with { Capacity = 7 }, steps: 2, gamma: 0.9);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => other.Load(bag)).Message, "7");
    }

    [TestMethod]
    public void BadSettingsAndMisuseAreRefusedClearly()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReplayBuffer(Spec(), new ReplayOptions(), steps: 0, gamma: 0.9)).Message, "n-step");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReplayBuffer(Spec(), new ReplayOptions(), 1, gamma: 1.5)).Message, "gamma");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 1 }, 1, 0.9)).Message, "Capacity");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            new ReplayBuffer(Spec(maximum: 255), new ReplayOptions { Storage = ObservationStorage.Bits }, 1, 0.9)).Message, "maximum is 255");
        var replay = new ReplayBuffer(Spec(), new ReplayOptions { Capacity = 4 }, 1, 0.9);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => replay.AddStep(0, 0, false, false, Observation(1))).Message, "AddFirst");
        replay.AddFirst(Observation(0));
        using var batch = new ReplayBatch(2, [1, 2, 2]);
        Assert.IsFalse(replay.CanSample);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => replay.Sample(batch, new RandomStream(1))).Message, "no complete");
        using var wrongShape = new ReplayBatch(2, [1, 3, 3]);
        replay.AddStep(0, 0, false, false, Observation(1));
        Assert.IsTrue(replay.CanSample);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => replay.Sample(wrongShape, new RandomStream(1))).Message, "[1, 3, 3]");
    }

    [TestMethod]
    public void TheSumTreeFindsTheLeafWhereTheRunningSumCrossesTheMass()
    {
        var tree = new SumTree(5);
        double[] values = [1, 0, 2, 3, 0];
        for (int i = 0; i < values.Length; i++) tree.Set(i, values[i]);
        Assert.AreEqual(6.0, tree.Total);
        Assert.AreEqual(0, tree.Find(0));
        Assert.AreEqual(0, tree.Find(0.999));
        Assert.AreEqual(2, tree.Find(1.0), "the empty leaf 1 is skipped");
        Assert.AreEqual(2, tree.Find(2.999));
        Assert.AreEqual(3, tree.Find(3.0));
        Assert.AreEqual(3, tree.Find(6.0), "a mass at the total (rounding) lands on the last non-empty leaf");
        tree.Set(3, 0);
        Assert.AreEqual(2, tree.Find(5.5));
    }
}
