using TorchSharp;

namespace Plasticity.ML.Common;

/// <summary>
/// TorchSharp <see cref="Scalar"/> constants that live as long as the process, for the calls that need one
/// (<c>a.add(b, Scalars.One)</c> instead of <c>a + b</c>, which makes a hidden Scalar).
/// </summary>
/// <remarks>
/// A Scalar that TorchSharp creates from a plain number is finalizable and is not kept alive while libtorch reads it,
/// so a garbage collection on another thread can free it mid-call (a native crash under parallel runs; see
/// BannedSymbols.txt at the repository root, which makes the hazardous calls a build error). A static field is always
/// reachable, so its Scalar is never finalized. Never dispose these. For a value that changes from call to call, use
/// <c>using var s = value.ToScalar();</c> instead.
/// </remarks>
public static class Scalars
{
    /// <summary>The integer 1, exactly what TorchSharp passes as the hidden alpha of <c>add(Tensor)</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer -1 (the alpha of <c>a.add(b, MinusOne)</c>, i.e. a - b written as an add).</summary>
    public static readonly Scalar MinusOne = (-1).ToScalar();

    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();
}
