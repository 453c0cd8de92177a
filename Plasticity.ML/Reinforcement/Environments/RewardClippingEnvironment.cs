namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// Wraps an environment and clips each step's reward to its sign (-1, 0 or +1), as DQN trains on Atari
/// (Mnih et al. 2015), so that one learning rate suits games whose scores differ by orders of magnitude. For
/// training only: evaluate on the unwrapped environment, which reports raw rewards.
/// </summary>
/// <remarks>Everything else (spec, observations, episode ends, lives) passes through. Disposing the wrapper disposes the wrapped environment.</remarks>
public sealed class RewardClippingEnvironment : IEnvironment
{
    private readonly IEnvironment _inner;

    /// <summary>Wraps <paramref name="inner"/>, taking ownership of it.</summary>
    /// <param name="inner">The environment whose rewards are clipped.</param>
    public RewardClippingEnvironment(IEnvironment inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The sign of <paramref name="reward"/> as -1, 0 or +1 (NaN is rejected: it never trains silently).</summary>
    /// <param name="reward">A raw reward.</param>
    /// <exception cref="ArgumentException">The reward is NaN.</exception>
    public static float Clip(float reward) =>
        float.IsNaN(reward) ? throw new ArgumentException("The environment returned a NaN reward.", nameof(reward)) : MathF.Sign(reward);

    /// <inheritdoc />
    public EnvironmentSpec Spec => _inner.Spec;

    /// <inheritdoc />
    public int? Lives => _inner.Lives;

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation) => _inner.Reset(seed, observation);

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        var result = _inner.Step(action, observation);
        return result with { Reward = Clip(result.Reward) };
    }

    /// <summary>Disposes the wrapped environment.</summary>
    public void Dispose() => _inner.Dispose();
}
