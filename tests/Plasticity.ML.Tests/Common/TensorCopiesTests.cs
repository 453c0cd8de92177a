using Plasticity.ML.Common;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Common;

[TestClass]
public sealed class TensorCopiesTests
{
    [TestMethod]
    public void ADetachedCopyHasTheValuesOwnsItsMemoryAndIsOutsideTheGraph()
    {
        using var scope = NewDisposeScope();
        using var parameter = new Parameter(tensor(new[] { 1f, -2f, 3f }));
        using var copy = parameter.DetachedCopy();
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f }, copy.data<float>().ToArray());
        Assert.IsFalse(copy.requires_grad);
        using (no_grad()) copy.fill_(Scalars.Zero);
        CollectionAssert.AreEqual(new[] { 1f, -2f, 3f }, parameter.data<float>().ToArray(), "the copy shares no memory with its source");
    }

    [TestMethod]
    public void Float64CopiesWidenTheValuesAndTheCpuCopyIsContiguous()
    {
        using var scope = NewDisposeScope();
        // A transposed (non-contiguous) float32 view with a value float32 rounds: 0.1f widens to 0.100000001490116...
        var source = tensor(new[] { 0.1f, 2f, 3f, 4f, 5f, 6f }).reshape(2, 3).t();
        Assert.IsFalse(source.is_contiguous());
        using var wide = source.DetachedFloat64();
        Assert.AreEqual(ScalarType.Float64, wide.dtype);
        using var cpu = source.ToCpuFloat64();
        Assert.IsTrue(cpu.is_contiguous());
        CollectionAssert.AreEqual(new long[] { 3, 2 }, cpu.shape);
        CollectionAssert.AreEqual(new[] { (double)0.1f, 4, 2, 5, 3, 6 }, cpu.data<double>().ToArray());
    }
}
