using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Two-hot encoding of scalars over fixed, evenly spaced bins: a value between two neighbouring bins
/// puts its mass on both in proportion to closeness, so the expectation of the encoding is the value
/// itself (exact for values inside the support; values outside are clamped).
/// </summary>
public sealed class TwoHotEncoding : CategoricalEncoding
{
    private readonly Scalar minScalar;
    private readonly Scalar binWidthScalar;
    private readonly Scalar topLowerBin;

    /// <summary>Creates an encoding over <paramref name="bins"/> bins on [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public TwoHotEncoding(int bins, double min, double max)
        : base(bins, min, max)
    {
        minScalar = min.ToScalar();
        binWidthScalar = BinWidth.ToScalar();
        topLowerBin = ((double)(bins - 2)).ToScalar();
    }

    /// <summary>Creates the encoding of a two-hot head.</summary>
    public static TwoHotEncoding For(HeadSpec head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return new(head.Bins, head.Min, head.Max);
    }

    /// <inheritdoc />
    public override Tensor Encode(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        // Position in bin widths above the lowest centre; the lower neighbour stays below the top bin so that the top
        // edge maps to bin Bins - 1 exactly (weight 1 on the upper neighbour).
        var position = ClampToSupport(values).sub(minScalar).div(binWidthScalar);
        var lower = position.floor().clamp(Scalars.Zero, topLowerBin);
        var upperWeight = position.add(lower, Scalars.MinusOne).unsqueeze(-1);
        var lowerIndex = lower.to_type(ScalarType.Int64).unsqueeze(-1);
        var upperIndex = lower.add(Scalars.One, Scalars.One).to_type(ScalarType.Int64).unsqueeze(-1);
        var shape = values.shape.Append(Bins).ToArray();
        var probs = zeros(shape, dtype: values.dtype, device: values.device);
        probs.scatter_(-1, lowerIndex, upperWeight.neg().add(Scalars.One, Scalars.One));
        probs.scatter_add_(-1, upperIndex, upperWeight);
        GC.KeepAlive(this);
        return probs.MoveToOuterDisposeScope();
    }
}
