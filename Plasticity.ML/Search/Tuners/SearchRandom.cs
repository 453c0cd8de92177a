using Plasticity.ML.Common;

namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// The tuners' random stream: SplitMix64, whose whole state is one 64-bit number, so a tuner's state (and with it
/// every future proposal) can be exported and imported exactly. <see cref="System.Random"/> hides its state.
/// </summary>
internal sealed class SearchRandom
{
    /// <summary>A stream seeded from <paramref name="seed"/> through <see cref="SeedSequence"/> for <paramref name="purpose"/>.</summary>
    public SearchRandom(long seed, string purpose) => State = unchecked((ulong)SeedSequence.Derive(seed, purpose));

    /// <summary>The whole state; setting it rewinds or forwards the stream.</summary>
    public ulong State { get; set; }

    /// <summary>A uniform number in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public int Next(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)Math.Min(count - 1, Math.Floor(NextDouble() * count));
    }

    /// <summary>A standard normal number (Box-Muller; both uniforms are drawn every call, so the state stays one number).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A point drawn uniformly from the unit cube of <paramref name="dimension"/> coordinates.</summary>
    public double[] NextPoint(int dimension)
    {
        var point = new double[dimension];
        for (int i = 0; i < dimension; i++) point[i] = NextDouble();
        return point;
    }

    private ulong NextBits()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
