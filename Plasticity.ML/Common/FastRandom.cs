using System.Runtime.CompilerServices;

namespace Plasticity.ML.Common;

/// <summary>
/// A small, fast, seeded random stream (xoshiro256**, Blackman and Vigna 2018) for hot loops such as environment
/// steps, where <see cref="Random"/> costs more than the work it serves. A mutable struct: keep it in a field (not a
/// readonly one) and call it in place; copying it forks the stream.
/// </summary>
/// <remarks>
/// The 256-bit state is filled from the seed by SplitMix64, as the algorithm's authors recommend, so that any seed,
/// including 0, gives a well-mixed stream. The same seed gives the same numbers on every machine and thread.
/// </remarks>
public struct FastRandom
{
    private ulong s0, s1, s2, s3;

    /// <summary>A stream seeded by <paramref name="seed"/>.</summary>
    public FastRandom(long seed) => Reseed(seed);

    /// <summary>A stream with the given raw state (for checking the generator against published test vectors).</summary>
    internal FastRandom(ulong s0, ulong s1, ulong s2, ulong s3) => (this.s0, this.s1, this.s2, this.s3) = (s0, s1, s2, s3);

    /// <summary>The four state words (a copy), to continue the stream later with <see cref="SetState"/>.</summary>
    public readonly ulong[] GetState() => [s0, s1, s2, s3];

    /// <summary>Continues the stream from a state <see cref="GetState"/> returned.</summary>
    /// <exception cref="ArgumentException">Not four words, or all zero (a state the generator never reaches).</exception>
    public void SetState(IReadOnlyList<ulong> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Count != 4) throw new ArgumentException($"A random stream's state has 4 words; got {state.Count}.", nameof(state));
        if (state.All(w => w == 0)) throw new ArgumentException("A random stream's state cannot be all zero.", nameof(state));
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3]);
    }

    /// <summary>Restarts the stream from <paramref name="seed"/>; the same seed gives the same numbers.</summary>
    public void Reseed(long seed)
    {
        ulong x = unchecked((ulong)seed);
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>The next 64 uniformly random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>), without modulo bias (Lemire's multiply-and-reject).</summary>
    /// <param name="n">The number of outcomes; must be positive.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The number of outcomes must be positive.");
        uint bound = (uint)n;
        ulong product = (NextUInt64() >> 32) * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            // Reject the few draws that would over-represent small results (rare: fewer than n in 2^32).
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * bound;
                low = (uint)product;
            }
        }
        return (int)(product >> 32);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A fair coin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextBool() => (long)NextUInt64() < 0;

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
