using static TorchSharp.torch;

namespace Plasticity.ML.Common;

/// <summary>
/// Copies of tensors that hold every intermediate tensor until the next native call has returned.
/// </summary>
/// <remarks>
/// In a chain such as <c>p.detach().clone()</c> nothing references the middle tensor while <c>clone</c> runs in
/// libtorch; outside a dispose scope a garbage collection on another thread can finalize it, and free its native tensor,
/// mid-call (the same hazard as the hidden Scalars of BannedSymbols.txt; a core dump showed it as heap corruption). These
/// helpers keep each intermediate in a variable that is disposed only after the call that reads it.
/// </remarks>
internal static class TensorCopies
{
    /// <summary><c>t.detach().clone()</c>: a copy outside the autograd graph that owns its memory.</summary>
    public static Tensor DetachedCopy(this Tensor t)
    {
        using var detached = t.detach();
        return detached.clone();
    }

    /// <summary><c>t.detach().to_type(Float64)</c>: the values in float64, outside the autograd graph, on their device.</summary>
    public static Tensor DetachedFloat64(this Tensor t)
    {
        using var detached = t.detach();
        return detached.to_type(ScalarType.Float64);
    }

    /// <summary><c>t.detach().contiguous().cpu().data&lt;float&gt;().ToArray()</c>: the values of a float32 tensor, row-major.</summary>
    public static float[] ToFloatArray(this Tensor t)
    {
        using var detached = t.detach();
        using var contiguous = detached.contiguous();
        using var cpu = contiguous.cpu();
        return cpu.data<float>().ToArray();
    }

    /// <summary><c>t.detach().to_type(Float64).cpu().contiguous()</c>: the values in float64 on the CPU, ready to read.</summary>
    public static Tensor ToCpuFloat64(this Tensor t)
    {
        using var wide = t.DetachedFloat64();
        using var cpu = wide.cpu();
        return cpu.contiguous();
    }
}
