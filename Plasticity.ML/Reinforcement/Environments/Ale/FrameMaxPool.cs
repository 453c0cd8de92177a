using System.Numerics;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// The pixel-wise maximum of two frames: DQN's fix for Atari sprites that are drawn only on every other frame
/// (Mnih et al. 2015), applied to the last two frames of each frame-skip step.
/// </summary>
public static class FrameMaxPool
{
    /// <summary>Writes <c>max(a[i], b[i])</c> into <paramref name="destination"/> (which may be <paramref name="a"/> or <paramref name="b"/>).</summary>
    /// <param name="a">One frame.</param>
    /// <param name="b">The other frame, of the same size.</param>
    /// <param name="destination">The pooled frame, of the same size.</param>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    public static void Max(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        if (b.Length != a.Length)
            throw new ArgumentException($"Frame b has {b.Length} bytes but frame a has {a.Length}; they must match.", nameof(b));
        if (destination.Length != a.Length)
            throw new ArgumentException($"destination has {destination.Length} bytes but the frames have {a.Length}; they must match.", nameof(destination));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= a.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                Vector.Max(new Vector<byte>(a[i..]), new Vector<byte>(b[i..])).CopyTo(destination[i..]);
        }
        for (; i < a.Length; i++) destination[i] = Math.Max(a[i], b[i]);
    }
}
