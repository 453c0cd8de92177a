using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Projects probability mass at arbitrary real values onto a fixed support of evenly spaced atoms: each value's mass is
/// split between its two neighbouring atoms in proportion to closeness (values outside the support go to its nearest
/// end). The two-hot encoding of a scalar is the projection of mass 1 at that scalar; C51's target distribution is the
/// projection of the next state's distribution, shifted and shrunk by <c>r + gamma z</c> (Bellemare et al. 2017,
/// Algorithm 1). One routine serves both.
/// </summary>
/// <remarks>
/// With <c>b = (clamp(v, min, max) - min) / dz</c>, the lower atom is <c>l = min(floor(b), atoms - 2)</c> and the upper
/// atom <c>l + 1</c> receives the fraction <c>b - l</c>. A value exactly on an atom puts all its mass there (the last atom
/// through <c>l = atoms - 2</c> with fraction 1), which is the case C51 implementations handle separately when
/// <c>floor(b) = ceil(b)</c>. The expectation of the projection equals the clamped values' expectation.
/// </remarks>
public static class CategoricalProjection
{
    // Static, so never finalized while libtorch reads it.
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Zero = 0.0.ToScalar();

    /// <summary>
    /// Projects, for every leading index, the masses <paramref name="probabilities"/> at <paramref name="values"/>
    /// (both <c>[..., K]</c>) onto <paramref name="atoms"/> atoms on [<paramref name="minimum"/>, <paramref name="maximum"/>],
    /// giving <c>[..., atoms]</c>. Without <paramref name="probabilities"/> every value carries mass 1 (K = 1 gives the
    /// two-hot encoding). Not differentiable in <paramref name="values"/>; the result belongs to the caller's dispose scope.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 atoms, an empty or non-finite range, or shapes that differ.</exception>
    public static Tensor Project(Tensor values, Tensor? probabilities, int atoms, double minimum, double maximum)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (atoms < 2) throw new ArgumentOutOfRangeException(nameof(atoms), atoms, "A categorical support needs at least 2 atoms.");
        if (!(maximum > minimum) || !double.IsFinite(minimum) || !double.IsFinite(maximum))
            throw new ArgumentException($"A categorical support needs a finite range with minimum < maximum; got [{minimum}, {maximum}].");
        if (values.dim() == 0) throw new ArgumentException("The values need a trailing dimension of source atoms ([..., K]).", nameof(values));
        if (probabilities is not null && !probabilities.shape.SequenceEqual(values.shape))
            throw new ArgumentException(
                $"The probabilities have shape [{string.Join(", ", probabilities.shape)}] but the values [{string.Join(", ", values.shape)}].", nameof(probabilities));

        using var scope = NewDisposeScope();
        using var low = minimum.ToScalar();
        using var high = maximum.ToScalar();
        using var width = ((maximum - minimum) / (atoms - 1)).ToScalar();
        using var lastLower = ((double)(atoms - 2)).ToScalar();
        var position = values.detach().clamp(low, high).sub(low).div(width);
        var lower = position.floor().clamp(Zero, lastLower);
        var upperWeight = position.sub(lower);
        var lowerWeight = upperWeight.neg().add(One, One);
        var lowerIndex = lower.to_type(ScalarType.Int64);
        var upperIndex = lower.add(One, One).to_type(ScalarType.Int64);
        if (probabilities is not null)
        {
            lowerWeight = lowerWeight.mul(probabilities);
            upperWeight = upperWeight.mul(probabilities);
        }
        var shape = values.shape.ToArray();
        shape[^1] = atoms;
        var projected = zeros(shape, dtype: values.dtype, device: values.device);
        projected.scatter_add_(-1, lowerIndex, lowerWeight);
        projected.scatter_add_(-1, upperIndex, upperWeight);
        return projected.MoveToOuterDisposeScope();
    }
}
