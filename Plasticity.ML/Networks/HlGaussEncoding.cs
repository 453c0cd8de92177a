using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// HL-Gauss encoding (Farebrother et al. 2024, "Stop regressing: training value functions via classification for
/// scalable deep RL", ICML; "histogram loss" after Imani and White 2018): a target y becomes the probability mass that
/// a Gaussian N(y, sigma^2) puts in each bin, renormalized to the support,
/// <c>p_i = (Phi((e_{i+1} - y) / sigma) - Phi((e_i - y) / sigma)) / (Phi((e_B - y) / sigma) - Phi((e_0 - y) / sigma))</c>,
/// with the bin edges <c>e_0 .. e_B</c> of <see cref="CategoricalEncoding.Edges"/> and <c>Phi</c> the standard normal
/// CDF, computed through erf differences as in the paper's code.
/// </summary>
/// <remarks>
/// The bins are those of the two-hot head with the same <see cref="HeadSpec"/> (centres from Min to Max), so the two
/// heads differ only in how a target is spread. The paper's code takes [min, max] as the outer edges instead of the
/// outer centres; with this library's convention the support reaches half a bin further. Targets are clamped into
/// [Min, Max] first (far outside the support every bin's mass would underflow). Computed in float64, returned in the
/// values' dtype.
/// </remarks>
public sealed class HlGaussEncoding : CategoricalEncoding
{
    private static readonly Scalar MinusOne = (-1.0).ToScalar();
    private readonly Scalar inverseScale;

    /// <summary>Creates an encoding over <paramref name="bins"/> bins centred on [<paramref name="min"/>, <paramref name="max"/>] with <c>sigma = sigmaRatio * BinWidth</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigmaRatio"/> is not finite and positive.</exception>
    public HlGaussEncoding(int bins, double min, double max, double sigmaRatio = 0.75)
        : base(bins, min, max)
    {
        if (!(sigmaRatio > 0) || double.IsInfinity(sigmaRatio))
            throw new ArgumentOutOfRangeException(nameof(sigmaRatio), sigmaRatio, "sigmaRatio must be finite and positive.");
        SigmaRatio = sigmaRatio;
        inverseScale = (1.0 / (Sigma * Math.Sqrt(2.0))).ToScalar();
    }

    /// <summary>Creates the encoding of an HL-Gauss head.</summary>
    public static HlGaussEncoding For(HeadSpec head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return new(head.Bins, head.Min, head.Max, head.SigmaRatio);
    }

    /// <summary>The Gaussian's standard deviation in bin widths.</summary>
    public double SigmaRatio { get; }

    /// <summary>The Gaussian's standard deviation: <see cref="SigmaRatio"/> x <see cref="CategoricalEncoding.BinWidth"/>.</summary>
    public double Sigma => SigmaRatio * BinWidth;

    /// <inheritdoc />
    public override Tensor Encode(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var scope = NewDisposeScope();
        var y = ClampToSupport(values).to_type(ScalarType.Float64).unsqueeze(-1);
        var edges = Edges(ScalarType.Float64, values.device);
        // erf((e_k - y) / (sigma sqrt 2)) = 2 Phi((e_k - y) / sigma) - 1: differences of it are twice the CDF's, and the
        // factor cancels in the normalization.
        var cdf = edges.add(y, MinusOne).mul(inverseScale).erf();
        var mass = cdf.narrow(-1, 1, Bins).add(cdf.narrow(-1, 0, Bins), MinusOne);
        var total = cdf.narrow(-1, Bins, 1).add(cdf.narrow(-1, 0, 1), MinusOne);
        var probabilities = (mass / total).to_type(values.dtype);
        GC.KeepAlive(this);
        return probabilities.MoveToOuterDisposeScope();
    }
}
