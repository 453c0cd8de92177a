namespace Plasticity.ML.Common;

/// <summary>
/// Derives independent, reproducible seeds from one root seed, so that one seed in the options decides
/// every random choice (weights, batches, targets, probes) without the streams overlapping.
/// </summary>
public static class SeedSequence
{
    /// <summary>Derives a child seed from <paramref name="seed"/> for a named purpose and index.</summary>
    /// <param name="seed">The parent seed.</param>
    /// <param name="purpose">A stable name for the stream, such as "init" or "batches".</param>
    /// <param name="index">An index within that purpose (task number, probe target, ...).</param>
    public static long Derive(long seed, string purpose, long index = 0)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (char c in purpose)
        {
            h ^= c;
            h *= 0x100000001b3UL;
        }
        ulong x = unchecked((ulong)seed) ^ h ^ (unchecked((ulong)index) * 0x9E3779B97F4A7C15UL);
        return unchecked((long)(Mix(Mix(x)) & 0x7FFF_FFFF_FFFF_FFFFUL));
    }

    /// <summary>A <see cref="Random"/> seeded by <see cref="Derive"/>; same arguments, same stream.</summary>
    public static Random CreateRandom(long seed, string purpose, long index = 0) =>
        new(unchecked((int)(Derive(seed, purpose, index) & 0x7FFF_FFFF)));

    private static ulong Mix(ulong z)
    {
        // SplitMix64 finalizer: a bijective avalanche, so nearby seeds give unrelated streams.
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
