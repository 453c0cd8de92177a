using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Reinforcement.Environments.Vectorized;

/// <summary>
/// Steps N environments together into one preallocated observation buffer of bytes, <c>[N, C, H, W]</c>, with
/// per-environment rewards and end flags, automatic resets, and statistics of finished episodes. Steps allocate
/// nothing (with worker threads, the barrier they meet at creates its wait lock once, the first time a thread
/// blocks), so an agent can fill its batches from it in a tight loop.
/// </summary>
/// <remarks>
/// <para>Auto-reset: when a step ends environment i's episode (terminated or truncated), the same
/// <see cref="Step"/> call copies the episode's last observation to <see cref="FinalObservations"/> (slot i), resets
/// the environment and writes the next episode's first observation into <see cref="Observations"/>. The flags and
/// reward of slot i describe the step that ended the episode, so an agent stores the transition
/// (s, a, r, final observation, terminated) and acts next from the new first observation.</para>
/// <para>Determinism: episode k of environment i is reset with the seed <see cref="EpisodeSeed"/>(seed, i, k); each
/// environment's random stream (sticky actions, game events) is its own. So the same seed and actions give the
/// same observations, rewards and episode log for any number of worker threads.</para>
/// </remarks>
public sealed class VectorEnvironment : IDisposable
{
    private readonly IEnvironment[] environments;
    private readonly int observationSize;
    private readonly long seed;
    private readonly byte[] observations;
    private readonly byte[] finalObservations;
    private readonly float[] rewards;
    private readonly bool[] terminated;
    private readonly bool[] truncated;
    private readonly double[] returns;
    private readonly int[] lengths;
    private readonly double[] finishedReturns;
    private readonly int[] finishedLengths;
    private readonly long[] episodes;
    private readonly int[] pendingActions;
    private readonly int[] chunkStarts;
    private readonly ChunkWorkers? workers;
    private readonly EpisodeRecord[] log;
    private long logWritten;
    private long logRead;
    private bool started;
    private bool disposed;

    /// <summary>Creates <see cref="VectorEnvironmentOptions.Count"/> environments with <paramref name="factory"/> (called with each index) and owns them.</summary>
    /// <exception cref="ArgumentException">The environments do not share observation size and action count.</exception>
    public VectorEnvironment(Func<int, IEnvironment> factory, VectorEnvironmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        int count = options.Count;
        environments = new IEnvironment[count];
        for (int i = 0; i < count; i++)
            environments[i] = factory(i) ?? throw new ArgumentException($"The environment factory returned null for environment {i}.", nameof(factory));
        Spec = environments[0].Spec;
        for (int i = 1; i < count; i++)
        {
            var other = environments[i].Spec;
            if (other.ObservationSize != Spec.ObservationSize || other.ActionCount != Spec.ActionCount)
                throw new ArgumentException($"Environment {i} ({other.Name}: {other.ObservationSize} observation bytes, {other.ActionCount} actions) does not match environment 0 ({Spec.Name}: {Spec.ObservationSize} bytes, {Spec.ActionCount} actions).", nameof(factory));
        }
        observationSize = Spec.ObservationSize;
        seed = options.Seed;
        observations = new byte[count * observationSize];
        finalObservations = new byte[count * observationSize];
        rewards = new float[count];
        terminated = new bool[count];
        truncated = new bool[count];
        returns = new double[count];
        lengths = new int[count];
        finishedReturns = new double[count];
        finishedLengths = new int[count];
        episodes = new long[count];
        pendingActions = new int[count];
        log = new EpisodeRecord[options.EpisodeLogCapacity];
        int chunks = Math.Min(options.Workers, count);
        chunkStarts = new int[chunks + 1];
        for (int c = 0; c <= chunks; c++) chunkStarts[c] = (int)((long)c * count / chunks);
        if (chunks > 1) workers = new ChunkWorkers(chunks, StepChunk);
    }

    /// <summary>A vector of MinAtar-style games, all created with <paramref name="game"/>.</summary>
    public static VectorEnvironment MinAtar(MinAtarOptions game, VectorEnvironmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(game);
        game.Validate();
        return new VectorEnvironment(_ => MinAtarEnvironment.Create(game), options);
    }

    /// <summary>The seed that resets episode <paramref name="episode"/> of environment <paramref name="environment"/>.</summary>
    public static long EpisodeSeed(long seed, int environment, long episode) =>
        SeedSequence.Derive(SeedSequence.Derive(seed, "vector-environment", environment), "episode", episode);

    /// <summary>The settings.</summary>
    public VectorEnvironmentOptions Options { get; }

    /// <summary>What each environment looks like (environment 0's spec; all share its sizes).</summary>
    public EnvironmentSpec Spec { get; }

    /// <summary>Number of environments.</summary>
    public int Count => environments.Length;

    /// <summary>The environments, by index (for inspection; stepping them directly breaks the bookkeeping).</summary>
    public IReadOnlyList<IEnvironment> Environments => environments;

    /// <summary>Current observations, <c>[N, C, H, W]</c> bytes: after an auto-reset, the new episode's first one.</summary>
    public ReadOnlySpan<byte> Observations => observations;

    /// <summary>
    /// Last observations of the episodes that ended in the latest step, <c>[N, C, H, W]</c> bytes; slot i is
    /// meaningful only where <see cref="Terminated"/> or <see cref="Truncated"/> is set.
    /// </summary>
    public ReadOnlySpan<byte> FinalObservations => finalObservations;

    /// <summary>Rewards of the latest step.</summary>
    public ReadOnlySpan<float> Rewards => rewards;

    /// <summary>Which environments' episodes ended by the game's rules in the latest step.</summary>
    public ReadOnlySpan<bool> Terminated => terminated;

    /// <summary>Which environments' episodes were cut by a time limit in the latest step.</summary>
    public ReadOnlySpan<bool> Truncated => truncated;

    /// <summary>Return so far of each environment's current episode (0 right after an auto-reset).</summary>
    public ReadOnlySpan<double> EpisodeReturns => returns;

    /// <summary>Steps so far of each environment's current episode (0 right after an auto-reset).</summary>
    public ReadOnlySpan<int> EpisodeLengths => lengths;

    /// <summary>Episodes finished since <see cref="Reset"/>.</summary>
    public long CompletedEpisodes => logWritten;

    /// <summary>Finished episodes dropped from the log because it filled before <see cref="DrainEpisodes"/> emptied it.</summary>
    public long DroppedEpisodes { get; private set; }

    /// <summary>The current observation of environment <paramref name="environment"/>.</summary>
    public ReadOnlySpan<byte> Observation(int environment) => observations.AsSpan(Slot(environment), observationSize);

    /// <summary>The last observation of environment <paramref name="environment"/>'s episode that ended in the latest step.</summary>
    public ReadOnlySpan<byte> FinalObservation(int environment) => finalObservations.AsSpan(Slot(environment), observationSize);

    /// <summary>Starts episode 0 of every environment (from the seed) and clears the statistics.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        for (int i = 0; i < environments.Length; i++)
        {
            episodes[i] = 0;
            environments[i].Reset(EpisodeSeed(seed, i, 0), observations.AsSpan(i * observationSize, observationSize));
        }
        Array.Clear(finalObservations);
        Array.Clear(rewards);
        Array.Clear(terminated);
        Array.Clear(truncated);
        Array.Clear(returns);
        Array.Clear(lengths);
        logWritten = logRead = 0;
        DroppedEpisodes = 0;
        started = true;
    }

    /// <summary>Steps every environment with its action; ended episodes restart at once (see the remarks).</summary>
    /// <param name="actions">One action per environment, each in [0, <see cref="EnvironmentSpec.ActionCount"/>).</param>
    /// <exception cref="ArgumentException">The number of actions is not <see cref="Count"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An action is out of range (the message names the environment).</exception>
    /// <exception cref="InvalidOperationException"><see cref="Reset"/> was never called.</exception>
    public void Step(ReadOnlySpan<int> actions)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!started) throw new InvalidOperationException("Call VectorEnvironment.Reset before the first Step.");
        if (actions.Length != environments.Length)
            throw new ArgumentException($"Expected one action per environment ({environments.Length}); got {actions.Length}.", nameof(actions));
        int actionCount = Spec.ActionCount;
        for (int i = 0; i < actions.Length; i++)
        {
            int a = actions[i];
            if ((uint)a >= (uint)actionCount)
                throw new ArgumentOutOfRangeException(nameof(actions), a, $"Action {a} for environment {i} is outside [0, {actionCount}) ({Spec.Name}).");
            pendingActions[i] = a;
        }
        if (workers is null) StepRange(0, environments.Length);
        else workers.Run();
        for (int i = 0; i < environments.Length; i++)
        {
            if (!terminated[i] && !truncated[i]) continue;
            if (logWritten - logRead == log.Length)
            {
                logRead++;
                DroppedEpisodes++;
            }
            log[logWritten % log.Length] = new EpisodeRecord(i, episodes[i] - 1, finishedReturns[i], finishedLengths[i], truncated[i] && !terminated[i]);
            logWritten++;
        }
    }

    /// <summary>Moves the finished episodes logged since the last call (oldest first) into <paramref name="destination"/>.</summary>
    /// <returns>How many were moved.</returns>
    public int DrainEpisodes(ICollection<EpisodeRecord> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int moved = 0;
        for (; logRead < logWritten; logRead++, moved++) destination.Add(log[logRead % log.Length]);
        return moved;
    }

    private void StepChunk(int chunk) => StepRange(chunkStarts[chunk], chunkStarts[chunk + 1]);

    private void StepRange(int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            var observation = observations.AsSpan(i * observationSize, observationSize);
            var result = environments[i].Step(pendingActions[i], observation);
            rewards[i] = result.Reward;
            terminated[i] = result.Terminated;
            truncated[i] = result.Truncated;
            returns[i] += result.Reward;
            lengths[i]++;
            if (!result.Done) continue;
            observation.CopyTo(finalObservations.AsSpan(i * observationSize, observationSize));
            finishedReturns[i] = returns[i];
            finishedLengths[i] = lengths[i];
            returns[i] = 0;
            lengths[i] = 0;
            episodes[i]++;
            environments[i].Reset(EpisodeSeed(seed, i, episodes[i]), observation);
        }
    }

    private int Slot(int environment)
    {
        if ((uint)environment >= (uint)environments.Length)
            throw new ArgumentOutOfRangeException(nameof(environment), environment, $"Environment index must lie in [0, {environments.Length}).");
        return environment * observationSize;
    }

    /// <summary>Stops the worker threads and disposes the environments.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        workers?.Dispose();
        foreach (var environment in environments) environment.Dispose();
    }
}
