using Plasticity.ML.Common;

namespace Plasticity.ML.Tests.Reinforcement;

[TestClass]
public sealed class FastRandomTests
{
    [TestMethod]
    public void MatchesTheXoshiro256StarStarReferenceFromStateOneTwoThreeFour()
    {
        // Worked by hand from the reference algorithm: result = rotl(s1 * 5, 7) * 9, then the state update.
        var random = new FastRandom(1, 2, 3, 4);
        Assert.AreEqual(11520UL, random.NextUInt64());
        Assert.AreEqual(0UL, random.NextUInt64());
        Assert.AreEqual(1509978240UL, random.NextUInt64());
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameStreamAndReseedingRestartsIt()
    {
        var a = new FastRandom(42);
        var b = new FastRandom(42);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        CollectionAssert.AreEqual(first, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray());
        a.Reseed(42);
        Assert.AreEqual(first[0], a.NextUInt64());
        var c = new FastRandom(43);
        Assert.AreNotEqual(first[0], c.NextUInt64());
    }

    [TestMethod]
    public void NextIntIsUniformOverItsRange()
    {
        var random = new FastRandom(7);
        var counts = new int[6];
        const int draws = 60_000;
        for (int i = 0; i < draws; i++) counts[random.NextInt(6)]++;
        double sigma = Math.Sqrt(draws * (1.0 / 6) * (5.0 / 6)); // ~91
        foreach (int count in counts) Assert.AreEqual(draws / 6.0, count, 5 * sigma);
    }

    [TestMethod]
    public void NextDoubleLiesInTheUnitIntervalWithMeanOneHalf()
    {
        var random = new FastRandom(3);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble();
            Assert.IsTrue(x is >= 0 and < 1);
            sum += x;
        }
        Assert.AreEqual(0.5, sum / 100_000, 5 * Math.Sqrt(1.0 / 12 / 100_000));
    }

    [TestMethod]
    public void NextIntRejectsANonPositiveRange()
    {
        var random = new FastRandom(1);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => random.NextInt(0));
        StringAssert.Contains(e.Message, "positive");
    }
}
