using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Moves between a list of parameter-shaped tensors and one flat vector, and draws seeded random directions in
/// parameter space (never from libtorch's global generator).
/// </summary>
internal static class ParameterVector
{
    /// <summary>Concatenates the tensors, flattened, into one vector (a zero block for a null gradient).</summary>
    public static Tensor Flatten(IReadOnlyList<Tensor?> tensors, IReadOnlyList<Tensor> like)
    {
        using var scope = NewDisposeScope();
        var parts = new Tensor[like.Count];
        for (int i = 0; i < like.Count; i++)
            parts[i] = tensors[i] is { } t ? t.reshape(-1) : zeros(like[i].numel(), dtype: like[i].dtype, device: like[i].device);
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Views of a flat vector shaped like <paramref name="like"/>.</summary>
    public static Tensor[] Split(Tensor flat, IReadOnlyList<Tensor> like)
    {
        var result = new Tensor[like.Count];
        long offset = 0;
        for (int i = 0; i < like.Count; i++)
        {
            long n = like[i].numel();
            // The slice is held until view returns (an unreferenced temporary can be finalized mid-call).
            using var slice = flat.narrow(0, offset, n);
            result[i] = slice.view(like[i].shape);
            offset += n;
        }
        return result;
    }

    /// <summary>Total number of scalars.</summary>
    public static long Dimension(IReadOnlyList<Tensor> like) => like.Sum(t => t.numel());

    /// <summary>A standard Gaussian vector of length <paramref name="dimension"/>.</summary>
    public static Tensor Gaussian(Random random, long dimension, ScalarType dtype, Device device)
    {
        var values = new double[dimension];
        for (long i = 0; i < dimension; i++) values[i] = Common.RandomExtensions.NextGaussian(random);
        using var t = tensor(values);
        return t.to(dtype, device);
    }

    /// <summary>A Rademacher (+1/-1) vector of length <paramref name="dimension"/>.</summary>
    public static Tensor Rademacher(Random random, long dimension, ScalarType dtype, Device device)
    {
        var values = new double[dimension];
        for (long i = 0; i < dimension; i++) values[i] = random.Next(2) == 0 ? -1.0 : 1.0;
        using var t = tensor(values);
        return t.to(dtype, device);
    }
}
