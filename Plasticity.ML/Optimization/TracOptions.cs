namespace Plasticity.ML.Optimization;

/// <summary>
/// Settings of TRAC (Muppidi, Zhang and Yang 2024, "Fast TRAC: a parameter-free optimizer for lifelong reinforcement
/// learning", NeurIPS; arXiv 2405.16642), which wraps the optimizer of <see cref="OptimizerOptions"/>: see
/// <see cref="TracOptimizer"/>. The defaults are the reference implementation's.
/// </summary>
public sealed record TracOptions
{
    /// <summary>The discount factors beta_j of the scale tuners; one tuner per value, their scales summed.</summary>
    public double[] Betas { get; init; } = [0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999];

    /// <summary>s_init (the reference code's <c>s_prev</c>): the scale the tuners start from.</summary>
    public double InitialScale { get; init; } = 1e-8;

    /// <summary>epsilon, in the tuners' update and in recovering the base iterate from the parameters.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Value equality, including the elements of <see cref="Betas"/> (a record compares arrays by reference).</summary>
    public bool Equals(TracOptions? other) =>
        other is not null && Betas.SequenceEqual(other.Betas) && InitialScale.Equals(other.InitialScale) && Epsilon.Equals(other.Epsilon);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Betas.Aggregate(17.0, (h, b) => h * 31 + b), InitialScale, Epsilon);

    /// <summary>Checks the settings and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Betas is null || Betas.Length == 0) throw new ArgumentException($"TRAC {nameof(Betas)} must hold at least one value.");
        if (Betas.Any(b => !(b > 0 && b < 1))) throw new ArgumentException($"TRAC {nameof(Betas)} must lie in (0, 1); got [{string.Join(", ", Betas)}].");
        if (!(InitialScale > 0) || double.IsInfinity(InitialScale)) throw new ArgumentException($"TRAC {nameof(InitialScale)} must be finite and positive; got {InitialScale}.");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentException($"TRAC {nameof(Epsilon)} must be finite and positive; got {Epsilon}.");
    }
}
