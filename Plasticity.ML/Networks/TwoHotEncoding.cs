using TorchSharp;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Two-hot encoding of scalars over fixed, evenly spaced bins: a value between two neighbouring bins
/// puts its mass on both in proportion to closeness, so the expectation of the encoding is the value
/// itself (exact for values inside the support; values outside are clamped).
/// </summary>
public sealed class TwoHotEncoding
{
    /// <summary>Creates an encoding over <paramref name="bins"/> bins on [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public TwoHotEncoding(int bins, double min, double max)
    {
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), bins, "A two-hot encoding needs at least 2 bins.");
        if (!(max > min)) throw new ArgumentException($"A two-hot encoding needs min < max; got [{min}, {max}].");
        Bins = bins;
        Min = min;
        Max = max;
        minScalar = min.ToScalar();
        maxScalar = max.ToScalar();
        binWidthScalar = BinWidth.ToScalar();
        topLowerBin = (bins - 2).ToScalar();
    }

    // The numbers of Encode as Scalars owned by this object, made once: a Scalar made from a plain number on every
    // call would be unreachable while libtorch reads it (see BannedSymbols.txt). Encode ends with GC.KeepAlive(this),
    // so these cannot be finalized before the native calls that read them have returned.
    private readonly Scalar minScalar;
    private readonly Scalar maxScalar;
    private readonly Scalar binWidthScalar;
    private readonly Scalar topLowerBin;

    /// <summary>Creates the encoding of a two-hot head.</summary>
    public static TwoHotEncoding For(HeadSpec head) => new(head.Bins, head.Min, head.Max);

    /// <summary>Number of bins.</summary>
    public int Bins { get; }

    /// <summary>Lowest bin centre.</summary>
    public double Min { get; }

    /// <summary>Highest bin centre.</summary>
    public double Max { get; }

    /// <summary>Distance between neighbouring bin centres.</summary>
    public double BinWidth => (Max - Min) / (Bins - 1);

    /// <summary>The bin centres as a tensor of the given type and device.</summary>
    public Tensor Support(ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        linspace(Min, Max, Bins, dtype: dtype, device: device);

    /// <summary>Encodes values of any shape into probabilities with one extra trailing dimension of size <see cref="Bins"/>.</summary>
    public Tensor Encode(Tensor values)
    {
        using var scope = NewDisposeScope();
        var position = values.clamp(minScalar, maxScalar).sub(minScalar).div(binWidthScalar);
        var lower = position.floor().clamp(Scalars.Zero, topLowerBin);
        var upperWeight = (position - lower).unsqueeze(-1);
        var lowerIndex = lower.to_type(ScalarType.Int64).unsqueeze(-1);
        var shape = values.shape.Append(Bins).ToArray();
        var probs = zeros(shape, dtype: values.dtype, device: values.device);
        // 1 - w and i + 1, written as TorchSharp's operators compute them (-w + 1, i + 1 * 1), with live Scalars.
        probs.scatter_(-1, lowerIndex, upperWeight.negative().add(Scalars.One, Scalars.One));
        probs.scatter_add_(-1, lowerIndex.add(Scalars.One, Scalars.One), upperWeight);
        GC.KeepAlive(this);
        return probs.MoveToOuterDisposeScope();
    }

    /// <summary>Decodes probabilities (trailing dimension <see cref="Bins"/>) into their expected value.</summary>
    public Tensor Decode(Tensor probabilities)
    {
        using var support = Support(probabilities.dtype, probabilities.device);
        return (probabilities * support).sum(-1);
    }

    /// <summary>Decodes logits (trailing dimension <see cref="Bins"/>) into the expectation of their softmax.</summary>
    public Tensor DecodeLogits(Tensor logits)
    {
        using var scope = NewDisposeScope();
        return Decode(logits.softmax(-1)).MoveToOuterDisposeScope();
    }
}
