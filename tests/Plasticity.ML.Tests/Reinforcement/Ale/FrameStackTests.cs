using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

[TestClass]
public sealed class FrameStackTests
{
    [TestMethod]
    public void FillRepeatsTheFirstFrameAndPushKeepsTheLastFramesOldestFirst()
    {
        var stack = new FrameStack(depth: 3, frameSize: 2);
        var observation = new byte[6];
        stack.Fill([1, 1]);
        stack.CopyTo(observation);
        CollectionAssert.AreEqual(new byte[] { 1, 1, 1, 1, 1, 1 }, observation);

        stack.Push([2, 2]);
        stack.CopyTo(observation);
        CollectionAssert.AreEqual(new byte[] { 1, 1, 1, 1, 2, 2 }, observation);

        stack.Push([3, 3]);
        stack.Push([4, 4]);
        stack.CopyTo(observation);
        CollectionAssert.AreEqual(new byte[] { 2, 2, 3, 3, 4, 4 }, observation);

        // A new episode forgets the old frames.
        stack.Fill([9, 8]);
        stack.CopyTo(observation);
        CollectionAssert.AreEqual(new byte[] { 9, 8, 9, 8, 9, 8 }, observation);
    }

    [TestMethod]
    public void WrongSizesAreRejected()
    {
        var stack = new FrameStack(4, 5);
        Assert.AreEqual(20, stack.ObservationSize);
        var e = Assert.ThrowsExactly<ArgumentException>(() => stack.Push(new byte[4]));
        StringAssert.Contains(e.Message, "4 bytes");
        e = Assert.ThrowsExactly<ArgumentException>(() => stack.CopyTo(new byte[19]));
        StringAssert.Contains(e.Message, "19");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FrameStack(0, 5));
    }
}
