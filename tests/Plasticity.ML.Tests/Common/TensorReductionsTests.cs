using Plasticity.ML.Common;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Common;

[TestClass]
public sealed class TensorReductionsTests
{
    [TestMethod]
    public void TheSquaredNormIsSummedInFloat64()
    {
        using var scope = NewDisposeScope();
        // 1e4² + 1,000,001 x 1² = 101,000,001: every partial sum is an integer below 2^53, exact in float64 in any order;
        // float32 holds no odd integer above 2^24, so a float32 sum cannot return it.
        var values = new float[1_000_002];
        Array.Fill(values, 1f);
        values[0] = 1e4f;
        var single = tensor(values);
        Assert.AreEqual(101_000_001d, single.SquaredNorm());
        using var squares32 = (single * single).sum();
        Assert.AreNotEqual(101_000_001d, (double)squares32.item<float>(), "the case must be one a float32 sum gets wrong");
    }

    [TestMethod]
    public void TheSquaredNormOfAParameterLeavesNoGradient()
    {
        using var scope = NewDisposeScope();
        using var parameter = new Parameter(tensor(new[] { 3f, -4f }));
        Assert.AreEqual(25d, parameter.SquaredNorm());
        Assert.IsNull(parameter.grad);
    }
}
