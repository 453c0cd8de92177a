namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// Wraps an environment whose observations are <c>[channels, height, width]</c> and appends all-zero channels up to
/// <see cref="Channels"/>, so that one network fits games with different numbers of channels: the continual MinAtar
/// chain of C-CHAIN (Tang et al. 2025) pads Space Invaders (6 channels), Asterix (4) and Seaquest (10) to 10. The
/// game's own channels come first, in their order, as C-CHAIN's concatenation of zero planes after the game's planes
/// puts them.
/// </summary>
/// <remarks>The name, actions and observation maximum pass through; the shape and channel names change (the added
/// channels are named <c>padding-k</c>). Disposing the wrapper disposes the wrapped environment.</remarks>
public sealed class ChannelPaddingEnvironment : IEnvironment
{
    private readonly IEnvironment inner;
    private readonly byte[] scratch;

    /// <summary>Wraps <paramref name="inner"/>, taking ownership of it.</summary>
    /// <param name="inner">An environment with observations of shape <c>[channels, height, width]</c>.</param>
    /// <param name="channels">The channels of the padded observation; at least the inner environment's.</param>
    /// <exception cref="ArgumentException">The observation is not three-dimensional, or has more channels than
    /// <paramref name="channels"/> (names both).</exception>
    public ChannelPaddingEnvironment(IEnvironment inner, int channels)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var spec = inner.Spec;
        if (spec.ObservationShape.Length != 3)
            throw new ArgumentException($"Channel padding needs observations of shape [channels, height, width]; {spec.Name}'s are [{string.Join(", ", spec.ObservationShape)}].", nameof(inner));
        if (channels < spec.ObservationShape[0])
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"{spec.Name} has {spec.ObservationShape[0]} channels; padding cannot reduce them to {channels}.");
        this.inner = inner;
        Channels = channels;
        scratch = new byte[spec.ObservationSize];
        int added = channels - spec.ObservationShape[0];
        Spec = spec with
        {
            ObservationShape = [channels, spec.ObservationShape[1], spec.ObservationShape[2]],
            ChannelNames = [.. spec.ChannelNames, .. Enumerable.Range(0, added).Select(k => $"padding-{k}")],
            // Padding after the last frame breaks the stack's layout: a padded observation is stored whole.
            StackedFrames = 1,
        };
    }

    /// <summary>The channels of the padded observations.</summary>
    public int Channels { get; }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner => inner;

    /// <inheritdoc />
    public EnvironmentSpec Spec { get; }

    /// <inheritdoc />
    public int? Lives => inner.Lives;

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        CheckBuffer(observation);
        inner.Reset(seed, scratch);
        Pad(observation);
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        CheckBuffer(observation);
        var result = inner.Step(action, scratch);
        Pad(observation);
        return result;
    }

    private void Pad(Span<byte> observation)
    {
        scratch.CopyTo(observation);
        observation[scratch.Length..].Clear();
    }

    private void CheckBuffer(Span<byte> observation)
    {
        if (observation.Length != Spec.ObservationSize)
            throw new ArgumentException($"{Spec.Name} padded to {Channels} channels writes observations of {Spec.ObservationSize} bytes; the buffer has {observation.Length}.", nameof(observation));
    }

    /// <summary>Disposes the wrapped environment.</summary>
    public void Dispose() => inner.Dispose();
}
