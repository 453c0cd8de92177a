using static TorchSharp.torch;

namespace Plasticity.ML.Common;

/// <summary>Reductions of a tensor to a number, read in float64, with every intermediate held until its native call returns
/// (see <see cref="TensorCopies"/>).</summary>
internal static class TensorReductions
{
    /// <summary>
    /// <c>Σ t²</c> of the values of <paramref name="t"/>, summed in float64 (a float32 sum of squares of a large layer
    /// loses digits that norms, ratios of norms and effective learning rates are read to), outside the autograd graph.
    /// </summary>
    public static double SquaredNorm(this Tensor t)
    {
        using var wide = t.DetachedFloat64();
        using var squares = wide.mul(wide);
        using var sum = squares.sum();
        return sum.item<double>();
    }
}
