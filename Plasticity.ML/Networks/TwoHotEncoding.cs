using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Two-hot encoding of scalars over fixed, evenly spaced bins: a value between two neighbouring bins
/// puts its mass on both in proportion to closeness, so the expectation of the encoding is the value
/// itself (exact for values inside the support; values outside are clamped). It is the
/// <see cref="CategoricalProjection"/> of a single value, the routine C51's target distribution also uses.
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
    }

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

    /// <summary>
    /// Encodes values of any shape into probabilities with one extra trailing dimension of size <see cref="Bins"/>: the
    /// <see cref="CategoricalProjection"/> of mass 1 at each value.
    /// </summary>
    public Tensor Encode(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        return CategoricalProjection.Project(values.unsqueeze(-1), null, Bins, Min, Max).MoveToOuterDisposeScope();
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
