using static TorchSharp.torch;

namespace Plasticity.ML.Tests;

/// <summary>Exact tensor comparison for assertions (TorchSharp's <c>equal</c> is element-wise).</summary>
internal static class TensorComparisons
{
    /// <summary>True when both tensors have the same shape and every element is equal.</summary>
    public static bool SameValues(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }

    /// <summary>The values in float32, row-major, whatever the tensor's dtype, layout or gradient (every intermediate held).</summary>
    public static float[] FloatValues(this Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    /// <summary>The values in float64, row-major (every intermediate held).</summary>
    public static double[] DoubleValues(this Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
    }

    /// <summary>A tensor of <paramref name="values"/> with <paramref name="shape"/> (the intermediate held).</summary>
    public static Tensor Shaped(float[] values, params long[] shape)
    {
        using var flat = tensor(values);
        return flat.reshape(shape);
    }

    /// <summary>A float64 tensor of <paramref name="values"/> with <paramref name="shape"/>.</summary>
    public static Tensor Shaped(double[] values, params long[] shape)
    {
        using var flat = tensor(values);
        return flat.reshape(shape);
    }
}
