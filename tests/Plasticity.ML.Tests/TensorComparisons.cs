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
}
