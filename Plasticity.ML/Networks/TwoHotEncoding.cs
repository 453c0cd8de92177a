using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Two-hot encoding of scalars over fixed, evenly spaced bins: a value between two neighbouring bins
/// puts its mass on both in proportion to closeness, so the expectation of the encoding is the value
/// itself (exact for values inside the support; values outside are clamped).
/// </summary>
public sealed class TwoHotEncoding : CategoricalEncoding
{
    /// <summary>Creates an encoding over <paramref name="bins"/> bins on [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public TwoHotEncoding(int bins, double min, double max)
        : base(bins, min, max)
    {
    }

    /// <summary>Creates the encoding of a two-hot head.</summary>
    public static TwoHotEncoding For(HeadSpec head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return new(head.Bins, head.Min, head.Max);
    }

    /// <summary>
    /// Encodes values of any shape into probabilities with one extra trailing dimension of size <see cref="CategoricalEncoding.Bins"/>:
    /// the <see cref="CategoricalProjection"/> of mass 1 at each value (C51's target projection uses the same routine).
    /// </summary>
    public override Tensor Encode(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        return CategoricalProjection.Project(values.unsqueeze(-1), null, Bins, Min, Max).MoveToOuterDisposeScope();
    }
}
