namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// Wraps an environment and cuts an episode (as a truncation) once it has lasted <see cref="Steps"/> steps without any
/// reward: the rule C-CHAIN's continual MinAtar applies to Seaquest's training and evaluation episodes (Tang et al.
/// 2025, crl_minatar), where a submarine that stays at the surface never loses oxygen and an episode could otherwise
/// last for ever. An episode that has earned a reward is never cut by it.
/// </summary>
/// <remarks>
/// <para>"Without any reward" means every reward so far was 0; once a step pays a nonzero reward the limit no longer
/// applies to that episode. The step that reaches the limit reports <see cref="StepResult.Truncated"/> (unless the game
/// terminated on it), so an agent still bootstraps from its observation, as C-CHAIN's loop does when it breaks out of
/// the episode.</para>
/// <para>The spec, observations and lives pass through. Disposing the wrapper disposes the wrapped environment.</para>
/// </remarks>
public sealed class NoRewardTimeLimitEnvironment : IEnvironment
{
    private readonly IEnvironment inner;
    private int steps;
    private bool rewarded;
    private bool cut;

    /// <summary>Wraps <paramref name="inner"/>, taking ownership of it.</summary>
    /// <param name="inner">The environment whose rewardless episodes are cut.</param>
    /// <param name="steps">Steps without reward after which an episode is cut (C-CHAIN: 1,000).</param>
    public NoRewardTimeLimitEnvironment(IEnvironment inner, int steps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        this.inner = inner;
        Steps = steps;
    }

    /// <summary>Steps without reward after which an episode is cut.</summary>
    public int Steps { get; }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner => inner;

    /// <inheritdoc />
    public EnvironmentSpec Spec => inner.Spec;

    /// <inheritdoc />
    public int? Lives => inner.Lives;

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        inner.Reset(seed, observation);
        steps = 0;
        rewarded = false;
        cut = false;
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        if (cut) throw new InvalidOperationException($"{Spec.Name}: the episode was cut after {steps} steps without reward; call Reset before stepping again.");
        var result = inner.Step(action, observation);
        steps++;
        if (result.Reward != 0) rewarded = true;
        if (!result.Done && !rewarded && steps >= Steps)
        {
            cut = true;
            return result with { Truncated = true };
        }
        return result;
    }

    /// <summary>Disposes the wrapped environment.</summary>
    public void Dispose() => inner.Dispose();
}
