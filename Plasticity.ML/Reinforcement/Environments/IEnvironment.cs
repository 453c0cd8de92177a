namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// A reinforcement-learning environment that steps actions into observations and rewards. Observations are
/// written as bytes into a caller's buffer (<see cref="EnvironmentSpec.ObservationSize"/> bytes, channels first),
/// never as floats, so that a vector of environments fills one preallocated batch without allocating per step.
/// </summary>
/// <remarks>
/// <para>Episodes: <see cref="Reset"/> starts one; <see cref="Step"/> advances it until a step reports
/// <see cref="StepResult.Terminated"/> (the game ended) or <see cref="StepResult.Truncated"/> (a time limit cut it).
/// Stepping a finished episode without a reset is an error.</para>
/// <para>Determinism: everything random (game events, sticky actions, no-op starts) comes from the environment's own
/// stream, which <see cref="Reset"/> re-seeds when given a seed; the same seed and actions give the same trajectory
/// on any thread.</para>
/// </remarks>
public interface IEnvironment : IDisposable
{
    /// <summary>What the environment looks like to an agent: observation shape and channels, actions.</summary>
    EnvironmentSpec Spec { get; }

    /// <summary>
    /// Starts a new episode and writes its first observation into <paramref name="observation"/>.
    /// </summary>
    /// <param name="seed">Re-seeds the environment's random stream; null continues the current stream (the
    /// environment is seeded from 0 at creation).</param>
    /// <param name="observation">Exactly <see cref="EnvironmentSpec.ObservationSize"/> bytes.</param>
    /// <exception cref="ArgumentException">The buffer has the wrong size.</exception>
    void Reset(long? seed, Span<byte> observation);

    /// <summary>Takes one action and writes the next observation into <paramref name="observation"/>.</summary>
    /// <param name="action">An index in [0, <see cref="EnvironmentSpec.ActionCount"/>).</param>
    /// <param name="observation">Exactly <see cref="EnvironmentSpec.ObservationSize"/> bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">The action is out of range.</exception>
    /// <exception cref="ArgumentException">The buffer has the wrong size.</exception>
    /// <exception cref="InvalidOperationException">No episode is running (never reset, or the last one ended).</exception>
    StepResult Step(int action, Span<byte> observation);

    /// <summary>Lives left in games that have them (ALE games with lives); null for games without lives.</summary>
    int? Lives { get; }
}
