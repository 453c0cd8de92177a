namespace Plasticity.ML.Reinforcement.Environments.Vectorized;

/// <summary>Settings of a <see cref="VectorEnvironment"/>.</summary>
public sealed record VectorEnvironmentOptions
{
    /// <summary>Number of environments stepped together.</summary>
    public int Count { get; init; } = 8;

    /// <summary>
    /// The one seed every episode's seed derives from: episode k of environment i is reset with
    /// <see cref="VectorEnvironment.EpisodeSeed"/>(Seed, i, k), whatever the number of workers.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>
    /// Threads that step the environments, the caller's included (1: the caller steps them all). Each thread steps a
    /// fixed contiguous chunk of environments, so results do not depend on this number. More than one pays only when
    /// a step costs much more than a thread hand-off (a few microseconds): many environments, or slow ones such as
    /// an emulator.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>Finished episodes kept for <see cref="VectorEnvironment.DrainEpisodes"/> before the oldest are dropped.</summary>
    public int EpisodeLogCapacity { get; init; } = 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (Count <= 0)
            throw new ArgumentOutOfRangeException(nameof(Count), Count, $"{nameof(VectorEnvironmentOptions)}.{nameof(Count)} must be positive; got {Count}.");
        if (Workers <= 0)
            throw new ArgumentOutOfRangeException(nameof(Workers), Workers, $"{nameof(VectorEnvironmentOptions)}.{nameof(Workers)} must be positive; got {Workers}.");
        if (EpisodeLogCapacity <= 0)
            throw new ArgumentOutOfRangeException(nameof(EpisodeLogCapacity), EpisodeLogCapacity, $"{nameof(VectorEnvironmentOptions)}.{nameof(EpisodeLogCapacity)} must be positive; got {EpisodeLogCapacity}.");
    }
}
