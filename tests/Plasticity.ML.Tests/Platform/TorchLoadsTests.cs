using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Platform;

[TestClass]
public sealed class TorchLoadsTests
{
    [TestMethod]
    public void TorchLoadsAndComputesAMatrixProduct()
    {
        using var tensors = NewDisposeScope();
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);
        using var c = a.matmul(b);
        CollectionAssert.AreEqual(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [TestMethod]
    public void AutogradComputesTheGradientOfASquare()
    {
        using var x = tensor(3.0f, requires_grad: true);
        using var y = x * x;
        y.backward();
        Assert.AreEqual(6.0f, x.grad!.item<float>(), 1e-6f);
    }
}
