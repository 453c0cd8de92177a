using System.Numerics;

namespace Plasticity.ML.Common;

/// <summary>
/// A fast random stream (xoshiro256**, Blackman and Vigna 2018) whose whole state can be saved and restored, so a run
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
    private ulong s0, s1, s2, s3;

    /// <summary>Creates a stream from <paramref name="seed"/>; the same seed gives the same draws.</summary>
    public RandomStream(long seed)
    {
        ulong x = unchecked((ulong)seed);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>A stream for a named purpose of a run: <see cref="SeedSequence.Derive"/> of the arguments.</summary>
    public static RandomStream For(long seed, string purpose, long index = 0) => new(SeedSequence.Derive(seed, purpose, index));

    /// <summary>The four state words (a copy), for <see cref="SetState"/> later.</summary>
    public ulong[] GetState() => [s0, s1, s2, s3];

    /// <summary>Restores a state from <see cref="GetState"/>.</summary>
    /// <exception cref="ArgumentException">Not four words, or all zero (a state the generator never reaches).</exception>
    public void SetState(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4) throw new ArgumentException($"A random stream's state has 4 words; got {state.Count}.", nameof(state));
        if (state.All(w => w == 0)) throw new ArgumentException("A random stream's state cannot be all zero.", nameof(state));
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>An unbiased integer in [0, <paramref name="bound"/>); <paramref name="bound"/> must be positive.</summary>
    public uint NextUInt32(uint bound)
    {
        ulong product = (ulong)(uint)(NextUInt64() >> 32) * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            uint threshold = (uint)-bound % bound;
            while (low < threshold)
            {
                product = (ulong)(uint)(NextUInt64() >> 32) * bound;
                low = (uint)product;
            }
        }
        return (uint)(product >> 32);
    }

    /// <inheritdoc />
    public override int Next() => (int)(NextUInt64() >> 33);

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue <= 1 ? 0 : (int)NextUInt32((uint)maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        long range = (long)maxValue - minValue;
        return range <= 1 ? minValue : (int)(minValue + NextUInt32((uint)range));
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
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

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

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
