using System.Numerics;

namespace Plasticity.ML.Common;

/// <summary>
/// A <see cref="Random"/> over <see cref="FastRandom"/> (xoshiro256**) whose whole state can be saved and restored, so a run
/// checkpointed in the middle of a task resumes with exactly the draws it would have made. Use it for streams that
/// live through a run (mini-batch sampling, a random walk, an agent's exploration); it is a <see cref="Random"/>, so
/// every API that takes one takes it.
/// </summary>
/// <remarks>
/// Seeding expands the 64-bit seed with SplitMix64, as the generator's authors recommend. <see cref="Next(int)"/>
/// uses Lemire's unbiased multiply-and-reject method; <see cref="NextDouble"/> uses the top 53 bits. Not thread-safe:
/// one stream per thread.
/// </remarks>
public sealed class RandomStream : Random
{
    // The generator itself; this class adds Random's API and nothing else.
    private FastRandom generator;

    /// <summary>Creates a stream from <paramref name="seed"/>; the same seed gives the same draws.</summary>
    public RandomStream(long seed) => generator = new FastRandom(seed);

    /// <summary>A stream for a named purpose of a run: <see cref="SeedSequence.Derive"/> of the arguments.</summary>
    public static RandomStream For(long seed, string purpose, long index = 0) => new(SeedSequence.Derive(seed, purpose, index));

    /// <summary>The four state words (a copy), for <see cref="SetState"/> later.</summary>
    public ulong[] GetState() => generator.GetState();

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">Not four words, or all zero (a state the generator never reaches).</exception>
    public void SetState(IReadOnlyList<ulong> state) => generator.SetState(state);

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64() => generator.NextUInt64();

    /// <inheritdoc />
    public override int Next() => (int)(NextUInt64() >> 33);

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue <= 1 ? 0 : generator.NextInt(maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        long range = (long)maxValue - minValue;
        return range <= 1 ? minValue : range <= int.MaxValue ? minValue + generator.NextInt((int)range) : (int)NextInt64(minValue, maxValue);
    }

    /// <inheritdoc />
    public override long NextInt64() => (long)(NextUInt64() >> 1);

    /// <inheritdoc />
    public override long NextInt64(long maxValue) => NextInt64(0, maxValue);

    /// <inheritdoc />
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong range = (ulong)(maxValue - minValue);
        if (range <= 1) return minValue;
        // Rejection on the top bits keeps the draw unbiased.
        int shift = BitOperations.LeadingZeroCount(range - 1);
        ulong value;
        do value = NextUInt64() >> shift;
        while (value >= range);
        return minValue + (long)value;
    }

    /// <inheritdoc />
    public override double NextDouble() => generator.NextDouble();

    /// <inheritdoc />
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i += 8)
        {
            ulong bits = NextUInt64();
            for (int j = 0; j < 8 && i + j < buffer.Length; j++) buffer[i + j] = (byte)(bits >> (8 * j));
        }
    }

    /// <inheritdoc />
    protected override double Sample() => NextDouble();
}
