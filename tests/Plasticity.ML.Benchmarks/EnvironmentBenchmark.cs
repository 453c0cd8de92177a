using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;
using Plasticity.ML.Reinforcement.Environments.Vectorized;

namespace Plasticity.ML.Benchmarks;

/// <summary>One game's stepping cost under a uniformly random policy, against a memcpy of its observation.</summary>
/// <param name="Game">The game.</param>
/// <param name="ObservationBytes">Bytes of one observation.</param>
/// <param name="VectorCount">Environments in the vectorized measurement (one worker thread).</param>
/// <param name="SingleSeconds">Median seconds per step of one environment (policy draw, step, reset when an episode ends).</param>
/// <param name="VectorSeconds">Median seconds per environment step of a <see cref="VectorEnvironment"/> of <paramref name="VectorCount"/> environments on one thread.</param>
/// <param name="MemcpySeconds">Median seconds to copy <paramref name="ObservationBytes"/> bytes from one buffer to another.</param>
public sealed record EnvironmentResult(string Game, int ObservationBytes, int VectorCount, double SingleSeconds, double VectorSeconds, double MemcpySeconds)
{
    /// <summary>Steps per second of one environment on one core.</summary>
    public double SingleStepsPerSecond => 1 / SingleSeconds;

    /// <summary>Environment steps per second of the vector on one core.</summary>
    public double VectorStepsPerSecond => 1 / VectorSeconds;

    /// <summary>How many observation memcpys one single-environment step costs (the memcpy is the floor of any environment that writes observations).</summary>
    public double SingleToMemcpy => SingleSeconds / MemcpySeconds;

    /// <summary>The same for a vectorized environment step.</summary>
    public double VectorToMemcpy => VectorSeconds / MemcpySeconds;
}

/// <summary>
/// Steps per second per core of each MinAtar-style game under a random policy (uniform over the 6 actions, default
/// options: sticky actions 0.1, ramping on), one environment and a vector of environments stepped by one thread,
/// each against a memcpy of the same observation bytes measured interleaved in the same run.
/// </summary>
public static class EnvironmentBenchmark
{
    /// <summary>Measures every game; <paramref name="steps"/> environment steps per timed call, <paramref name="rounds"/> interleaved rounds.</summary>
    public static IEnumerable<EnvironmentResult> MeasureAll(int steps, int rounds, int vectorCount) =>
        Enum.GetValues<MinAtarGame>().Select(g => Measure(g, steps, rounds, vectorCount)).ToList();

    /// <summary>Measures one game.</summary>
    public static EnvironmentResult Measure(MinAtarGame game, int steps, int rounds, int vectorCount)
    {
        var options = new MinAtarOptions { Game = game };
        using var single = MinAtarEnvironment.Create(options);
        int size = single.Spec.ObservationSize;
        var observation = new byte[size];
        single.Reset(1, observation);
        var singlePolicy = new FastRandom(2);

        using var vector = VectorEnvironment.MinAtar(options, new VectorEnvironmentOptions { Count = vectorCount, Seed = 3 });
        vector.Reset();
        var actions = new int[vectorCount];
        var vectorPolicy = new FastRandom(4);
        int vectorCalls = Math.Max(1, steps / vectorCount);

        var source = new byte[size];
        new Random(5).NextBytes(source);
        var destination = new byte[size];
        long checksum = 0;

        var times = Timing.Interleaved(1, rounds,
            () =>
            {
                for (int i = 0; i < steps; i++)
                    if (single.Step(singlePolicy.NextInt(6), observation).Done) single.Reset(null, observation);
            },
            () =>
            {
                for (int call = 0; call < vectorCalls; call++)
                {
                    for (int i = 0; i < actions.Length; i++) actions[i] = vectorPolicy.NextInt(6);
                    vector.Step(actions);
                }
            },
            () =>
            {
                for (int i = 0; i < steps; i++)
                {
                    source.AsSpan().CopyTo(destination);
                    checksum += destination[i % size]; // keeps the copy observable
                }
            });
        GC.KeepAlive(checksum);
        return new EnvironmentResult(MinAtarEnvironment.GameName(game), size, vectorCount,
            times[0] / steps, times[1] / ((double)vectorCalls * vectorCount), times[2] / steps);
    }
}
