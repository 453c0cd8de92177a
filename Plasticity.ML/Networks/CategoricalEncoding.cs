using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// A categorical representation of scalars over fixed, evenly spaced bins, shared by the categorical heads: the bins
/// (centres <see cref="Support"/> from <see cref="Min"/> to <see cref="Max"/>, each one <see cref="BinWidth"/> wide,
/// so the histogram <see cref="Edges"/> lie half a bin beyond the outer centres), the clamping of targets into the
/// support, and the decoding of a distribution into its expectation. Subclasses decide how a target is projected onto
/// the bins: <see cref="TwoHotEncoding"/> (the two neighbouring bins) and <see cref="HlGaussEncoding"/> (a Gaussian
/// histogram).
/// </summary>
public abstract class CategoricalEncoding
{
    // Scalars owned by this object, made once: a Scalar made from a plain number on every call would be unreachable
    // while libtorch reads it (see DESIGN.md). Every method that passes them ends with GC.KeepAlive(this).
    private readonly Scalar minScalar;
    private readonly Scalar maxScalar;

    /// <summary>Creates an encoding over <paramref name="bins"/> bins centred from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 bins.</exception>
    /// <exception cref="ArgumentException">The range is empty or not finite.</exception>
    protected CategoricalEncoding(int bins, double min, double max)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "A categorical encoding needs at least 2 bins.");
        if (!(max > min) || !double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"A categorical encoding needs a finite range with min < max; got [{min}, {max}].");
        Bins = bins;
        Min = min;
        Max = max;
        minScalar = min.ToScalar();
        maxScalar = max.ToScalar();
    }

    /// <summary>The encoding of a categorical head (<see cref="HeadKind.TwoHot"/> or <see cref="HeadKind.HlGauss"/>), or null for other heads.</summary>
    public static CategoricalEncoding? ForHead(HeadSpec head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Kind switch
        {
            HeadKind.TwoHot => TwoHotEncoding.For(head),
            HeadKind.HlGauss => HlGaussEncoding.For(head),
            _ => null,
        };
    }

    /// <summary>Number of bins.</summary>
    public int Bins { get; }

    /// <summary>Lowest bin centre.</summary>
    public double Min { get; }

    /// <summary>Highest bin centre.</summary>
    public double Max { get; }

    /// <summary>Distance between neighbouring bin centres (the width of one bin).</summary>
    public double BinWidth => (Max - Min) / (Bins - 1);

    /// <summary>The bin centres as a tensor of the given type and device.</summary>
    public Tensor Support(ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        linspace(Min, Max, Bins, dtype: dtype, device: device);

    /// <summary>The <see cref="Bins"/> + 1 bin edges, from <c>Min - BinWidth / 2</c> to <c>Max + BinWidth / 2</c>.</summary>
    public Tensor Edges(ScalarType dtype = ScalarType.Float64, Device? device = null) =>
        linspace(Min - BinWidth / 2, Max + BinWidth / 2, Bins + 1, dtype: dtype, device: device);

    /// <summary>
    /// Encodes values of any shape into probabilities with one extra trailing dimension of size <see cref="Bins"/> (same
    /// dtype and device). Values outside [<see cref="Min"/>, <see cref="Max"/>] are encoded as the nearest end.
    /// </summary>
    public abstract Tensor Encode(Tensor values);

    /// <summary>Decodes probabilities (trailing dimension <see cref="Bins"/>) into their expected value.</summary>
    public Tensor Decode(Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        using var support = Support(probabilities.dtype, probabilities.device);
        using var weighted = probabilities * support;
        return weighted.sum(-1);
    }

    /// <summary>Decodes logits (trailing dimension <see cref="Bins"/>) into the expectation of their softmax.</summary>
    public Tensor DecodeLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var scope = NewDisposeScope();
        return Decode(logits.softmax(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>The values clamped into [<see cref="Min"/>, <see cref="Max"/>] (a new tensor).</summary>
    protected Tensor ClampToSupport(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var clamped = values.clamp(minScalar, maxScalar);
        GC.KeepAlive(this);
        return clamped;
    }
}
