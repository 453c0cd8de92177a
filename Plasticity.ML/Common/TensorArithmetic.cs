using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Common;

/// <summary>
/// Tensor-and-number arithmetic that keeps its TorchSharp <see cref="Scalar"/> alive while libtorch reads it. Each
/// computes exactly what the matching TorchSharp operator computes (<c>t * v</c>, <c>t + v</c>, <c>a + b</c>, ...),
/// which BannedSymbols.txt forbids because their hidden Scalar can be freed by the finalizer mid-call.
/// </summary>
/// <remarks>
/// For a hot loop prefer a <c>static readonly</c> Scalar (see <see cref="Scalars"/>) or one
/// <c>using var s = v.ToScalar();</c> reused across calls: these helpers make and free one Scalar per call.
/// </remarks>
public static class TensorArithmetic
{
    /// <summary><c>t * value</c>: <c>t.mul(value)</c>.</summary>
    public static Tensor Times(this Tensor t, double value)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var s = value.ToScalar();
        return t.mul(s);
    }

    /// <summary><c>t / value</c>: <c>t.div(value)</c>.</summary>
    public static Tensor DividedBy(this Tensor t, double value)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var s = value.ToScalar();
        return t.div(s);
    }

    /// <summary><c>t + value</c>: <c>t.add(value, 1)</c>.</summary>
    public static Tensor Plus(this Tensor t, double value)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var s = value.ToScalar();
        return t.add(s, Scalars.One);
    }

    /// <summary><c>t - value</c>: <c>t.sub(value)</c>.</summary>
    public static Tensor Minus(this Tensor t, double value)
    {
        ArgumentNullException.ThrowIfNull(t);
        using var s = value.ToScalar();
        return t.sub(s);
    }

    /// <summary><c>a + b</c> on two tensors: <c>a.add(b, 1)</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.add(b, Scalars.One);
    }

    /// <summary><c>t.square()</c> (which is <c>pow(2)</c>), computed as <c>t * t</c> (the same numbers).</summary>
    public static Tensor Squared(this Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return t * t;
    }
}
