using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

[TestClass]
public sealed class FrameMaxPoolTests
{
    [TestMethod]
    public void TakesThePixelwiseMaximumIncludingTheVectorizedPart()
    {
        // 70 bytes: more than one hardware vector plus a scalar tail. A sprite drawn on alternate frames (a has it
        // at even pixels, b at odd ones) is whole in the max.
        var a = new byte[70];
        var b = new byte[70];
        for (int i = 0; i < 70; i++)
        {
            a[i] = (byte)(i % 2 == 0 ? 200 : i);
            b[i] = (byte)(i % 2 == 1 ? 250 : 3);
        }
        var pooled = new byte[70];
        FrameMaxPool.Max(a, b, pooled);
        for (int i = 0; i < 70; i++) Assert.AreEqual(i % 2 == 0 ? 200 : 250, pooled[i], $"pixel {i}");
    }

    [TestMethod]
    public void PoolsInPlace()
    {
        byte[] a = [1, 9, 3];
        byte[] b = [4, 2, 6];
        FrameMaxPool.Max(a, b, a);
        CollectionAssert.AreEqual(new byte[] { 4, 9, 6 }, a);
    }

    [TestMethod]
    public void DifferentSizesAreRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => FrameMaxPool.Max(new byte[3], new byte[4], new byte[3]));
        StringAssert.Contains(e.Message, "4");
        Assert.ThrowsExactly<ArgumentException>(() => FrameMaxPool.Max(new byte[3], new byte[3], new byte[2]));
    }
}
