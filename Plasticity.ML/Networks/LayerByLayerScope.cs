namespace Plasticity.ML.Networks;

/// <summary>
/// While open on a thread, every <see cref="PlasticNetwork"/> on that thread runs layer by layer through libtorch's own
/// differentiable operations: no sparse-input convolution, no fused pass. Their hand-written backward passes compute
/// first derivatives only, so anything that differentiates a gradient again (a Hessian-vector product by double
/// backward) must run inside one; <see cref="Diagnostics.HessianOperator"/> does.
/// </summary>
/// <remarks>Scopes nest; open and dispose one on the same thread (<see cref="PlasticNetwork.LayerByLayer"/>).</remarks>
public sealed class LayerByLayerScope : IDisposable
{
    [ThreadStatic]
    private static int depth;

    private bool disposed;

    internal LayerByLayerScope() => depth++;

    /// <summary>True when a scope is open on the calling thread.</summary>
    public static bool IsActive => depth > 0;

    /// <summary>Closes the scope.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        depth--;
    }
}
