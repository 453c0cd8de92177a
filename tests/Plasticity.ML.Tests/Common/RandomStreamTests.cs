using Plasticity.ML.Common;

namespace Plasticity.ML.Tests.Common;

[TestClass]
public sealed class RandomStreamTests
{
    [TestMethod]
    public void MatchesTheReferenceXoshiro256StarStarOutputs()
    {
        // The generator's reference outputs from the state {1, 2, 3, 4} (computed by hand from the published algorithm).
        var stream = new RandomStream(0);
        stream.SetState([1, 2, 3, 4]);
        CollectionAssert.AreEqual(new ulong[] { 11520, 0, 1509978240, 1215971899390074240, 1216172134540287360 },
            Enumerable.Range(0, 5).Select(_ => stream.NextUInt64()).ToArray());
    }

    [TestMethod]
    public void SeedsAreExpandedWithSplitMix64()
    {
        var stream = new RandomStream(42);
        CollectionAssert.AreEqual(new ulong[] { 0xbdd732262feb6e95, 0x28efe333b266f103, 0x47526757130f9f52, 0x581ce1ff0e4ae394 }, stream.GetState());
        CollectionAssert.AreEqual(new ulong[] { 1546998764402558742, 6990951692964543102, 12544586762248559009 },
            Enumerable.Range(0, 3).Select(_ => stream.NextUInt64()).ToArray());
    }

    [TestMethod]
    public void ARestoredStateContinuesTheSameDraws()
    {
        var stream = RandomStream.For(7, "batches");
        for (int i = 0; i < 100; i++) stream.Next(1000);
        var state = stream.GetState();
        var expected = Enumerable.Range(0, 50).Select(_ => stream.NextDouble()).ToArray();
        var restored = new RandomStream(123);
        restored.SetState(state);
        CollectionAssert.AreEqual(expected, Enumerable.Range(0, 50).Select(_ => restored.NextDouble()).ToArray());
    }

    [TestMethod]
    public void BoundedDrawsAreInRangeAndUniform()
    {
        var stream = new RandomStream(3);
        var counts = new int[10];
        const int draws = 100_000;
        for (int i = 0; i < draws; i++) counts[stream.Next(10)]++;
        // Chi-square with 9 degrees of freedom: 27.9 is its 0.999 quantile.
        double chi = counts.Sum(c => (c - draws / 10.0) * (c - draws / 10.0) / (draws / 10.0));
        Assert.IsLessThan(27.9, chi, $"counts {string.Join(", ", counts)}");
        for (int i = 0; i < 1000; i++)
        {
            double d = stream.NextDouble();
            Assert.IsTrue(d >= 0 && d < 1);
            int v = stream.Next(-5, 5);
            Assert.IsTrue(v >= -5 && v < 5);
            long l = stream.NextInt64(3, 1L << 40);
            Assert.IsTrue(l >= 3 && l < 1L << 40);
        }
        Assert.AreEqual(0, stream.Next(1));
    }

    [TestMethod]
    public void BadStatesAreRefused()
    {
        var stream = new RandomStream(1);
        Assert.ThrowsExactly<ArgumentException>(() => stream.SetState([1, 2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => stream.SetState([0, 0, 0, 0]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => stream.Next(-1));
    }
}
