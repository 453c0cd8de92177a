using Plasticity.ML.Reinforcement.Environments.Ale;

namespace Plasticity.ML.Tests.Reinforcement.Ale;

[TestClass]
public sealed class AreaResizeTests
{
    [TestMethod]
    public void HalvingAveragesEachTwoByTwoBlock()
    {
        byte[] source =
        [
            0, 2, 4, 6,
            2, 4, 6, 8,
            10, 10, 20, 20,
            10, 10, 20, 20,
        ];
        var result = new byte[4];
        new AreaResize(4, 4, 2, 2).Apply(source, result);
        // (0+2+2+4)/4 = 2, (4+6+6+8)/4 = 6, 10, 20.
        CollectionAssert.AreEqual(new byte[] { 2, 6, 10, 20 }, result);
    }

    [TestMethod]
    public void ANonIntegerScaleWeighsTheCutPixelsByTheirCoveredFraction()
    {
        // 3 -> 2 per axis: output 0 covers source [0, 1.5) = pixel 0 whole and half of pixel 1; output 1 covers
        // the other half of pixel 1 and pixel 2. Output (0,0) = (1*0 + 0.5*90 + 0.5*90 + 0.25*180) / 2.25 = 60;
        // (0,1) = (0.5*90 + 1*180 + 0.25*180 + 0.5*0) / 2.25 = 120; (1,0) = 120; (1,1) = (0.25*180 + 90) / 2.25 = 60.
        byte[] source =
        [
            0, 90, 180,
            90, 180, 0,
            180, 0, 90,
        ];
        var result = new byte[4];
        new AreaResize(3, 3, 2, 2).Apply(source, result);
        CollectionAssert.AreEqual(new byte[] { 60, 120, 120, 60 }, result);
    }

    [TestMethod]
    public void AtariFrameTo84x84KeepsAConstantAndSpreadsOnePixelByItsArea()
    {
        var resize = new AreaResize(210, 160, 84, 84);
        var source = new byte[210 * 160];
        var result = new byte[84 * 84];
        Array.Fill(source, (byte)37);
        resize.Apply(source, result);
        Assert.IsTrue(result.All(v => v == 37), "a constant image stays constant");

        // One white pixel at (0, 0): output (0, 0) covers 2.5 rows x 160/84 columns, so it gets
        // 255 / (2.5 * 160/84) = 255 * 0.4 * 0.525 = 53.55 -> 54; every other output pixel stays 0.
        Array.Clear(source);
        source[0] = 255;
        resize.Apply(source, result);
        Assert.AreEqual(54, result[0]);
        Assert.AreEqual(0, result.Skip(1).Max(v => v));
    }

    [TestMethod]
    public void SameSizeIsTheIdentity()
    {
        var source = Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray();
        var result = new byte[12];
        new AreaResize(3, 4, 3, 4).Apply(source, result);
        CollectionAssert.AreEqual(source, result);
    }

    [TestMethod]
    public void WrongSizesAreRejectedWithTheNumbers()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AreaResize(210, 160, 211, 84));
        var resize = new AreaResize(4, 4, 2, 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => resize.Apply(new byte[15], new byte[4]));
        StringAssert.Contains(e.Message, "15");
        e = Assert.ThrowsExactly<ArgumentException>(() => resize.Apply(new byte[16], new byte[5]));
        StringAssert.Contains(e.Message, "5");
    }
}
