using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

/// <summary>Inputs and a tolerance shared by the sparse-input convolution's tests and the fused pass's.</summary>
internal static class SparseInputs
{
    /// <summary>A float32 batch with about one cell in ten set: to 1, or (valued) every other set cell to a value of
    /// either sign (a MinAtar-like observation).</summary>
    public static Tensor Cells(long[] shape, int seed, bool valued = false)
    {
        var generator = new Random(seed);
        var cells = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < cells.Length; i++)
            if (generator.NextDouble() < 0.1) cells[i] = valued && i % 2 == 0 ? (float)(generator.NextDouble() * 4 - 2) : 1f;
        return TensorComparisons.Shaped(cells, shape);
    }

    /// <summary>Asserts that the two agree within 1e-5 of the larger of 1 and the largest magnitude of <paramref name="expected"/>.</summary>
    public static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        using var tensors = NewDisposeScope();
        double scale = Math.Max(1, expected.to(float64).abs().max().item<double>());
        double error = (expected.to(float64) - actual.to(float64)).abs().max().item<double>();
        Assert.IsTrue(error <= 1e-5 * scale, $"{what}: largest difference {error:G3} against a largest magnitude of {scale:G3}");
    }
}
