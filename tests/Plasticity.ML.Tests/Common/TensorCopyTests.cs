using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Common;

[TestClass]
public sealed class TensorCopyTests
{
    [TestMethod]
    public void SliceOfFloatsBecomesATensorOfThatShape()
    {
        float[] buffer = [9, 1, 2, 3, 4, 5, 6, 9];
        using var t = TensorCopy.FromSpan<float>(buffer.AsSpan(1, 6), [2, 3]);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, t.shape);
        Assert.AreEqual(ScalarType.Float32, t.dtype);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, 5, 6 }, t.data<float>().ToArray());
        buffer[1] = 100; // a copy, not a view of the buffer
        Assert.AreEqual(1f, t[0, 0].item<float>());
    }

    [TestMethod]
    public void LongsAndDoublesKeepTheirType()
    {
        using var classes = TensorCopy.FromSpan<long>(new long[] { 3, -1, 7 }, [3]);
        Assert.AreEqual(ScalarType.Int64, classes.dtype);
        CollectionAssert.AreEqual(new long[] { 3, -1, 7 }, classes.data<long>().ToArray());
        using var values = TensorCopy.FromSpan<double>(new[] { 0.5, 1e-300 }, [2, 1]);
        Assert.AreEqual(ScalarType.Float64, values.dtype);
        CollectionAssert.AreEqual(new[] { 0.5, 1e-300 }, values.data<double>().ToArray());
        using var none = TensorCopy.FromSpan<float>([], [0, 4]);
        Assert.AreEqual(0, none.numel());
    }

    [TestMethod]
    public void ShapeThatDoesNotFitTheValuesIsRefused()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => TensorCopy.FromSpan<float>(new float[5], [2, 3]));
        Assert.Contains("holds 6 values but 5 were given", e.Message);
        Assert.ThrowsExactly<NotSupportedException>(() => TensorCopy.FromSpan<int>(new int[2], [2]));
    }
}
