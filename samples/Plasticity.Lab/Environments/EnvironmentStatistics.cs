using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.Lab.Environments;

/// <summary>
/// Statistics of a game under a fixed policy, in a form that can be compared with another implementation's:
/// each episode's return and length, and per channel the mean number of active cells.
/// </summary>
/// <param name="Game">The game's name as given.</param>
/// <param name="Policy">The policy's name.</param>
/// <param name="Returns">Each episode's return (episode i was reset with seed S + i).</param>
/// <param name="Lengths">Each episode's length in steps (at most <see cref="MaxSteps"/>).</param>
/// <param name="Channels">
/// Per channel name: the mean over episodes of each episode's mean count of active (non-zero) cells over its states
/// s_0 (after the reset) to s_50, stopping at the episode's last state, which is included.
/// </param>
public sealed record EnvironmentStatistics(string Game, string Policy, double[] Returns, int[] Lengths, IReadOnlyList<KeyValuePair<string, double>> Channels)
{
    /// <summary>Steps after which an episode is stopped.</summary>
    public const int MaxSteps = 10_000;

    /// <summary>The last state index that counts towards the channel means.</summary>
    public const int ChannelHorizon = 50;

    /// <summary>
    /// Plays <paramref name="episodes"/> episodes of <paramref name="environment"/> under <paramref name="policy"/>.
    /// Episode i is reset with seed <paramref name="seed"/> + i; a random policy draws its actions from its own stream
    /// seeded by (seed + i, "env-stats-policy"), so the environment's stream (sticky actions, game events) is the same
    /// whatever the policy.
    /// </summary>
    public static EnvironmentStatistics Collect(string game, IEnvironment environment, StatsPolicy policy, int episodes, long seed)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var spec = environment.Spec;
        if (policy.Constant is int constant && (constant < 0 || constant >= spec.ActionCount))
            throw new ArgumentException($"Policy '{policy.Name}': {spec.Name} has actions 0 to {spec.ActionCount - 1}; got {constant}.", nameof(policy));
        int channels = spec.ObservationShape[0];
        int plane = spec.ObservationSize / channels;
        var observation = new byte[spec.ObservationSize];
        var channelTotals = new double[channels];
        var episodeSums = new double[channels];
        var returns = new double[episodes];
        var lengths = new int[episodes];
        for (int e = 0; e < episodes; e++)
        {
            long episodeSeed = seed + e;
            var actions = new FastRandom(SeedSequence.Derive(episodeSeed, "env-stats-policy"));
            environment.Reset(episodeSeed, observation);
            Array.Clear(episodeSums);
            Count(observation, plane, episodeSums);
            int states = 1;
            double total = 0;
            int length = 0;
            while (length < MaxSteps)
            {
                int action = policy.Constant ?? actions.NextInt(spec.ActionCount);
                var result = environment.Step(action, observation);
                total += result.Reward;
                length++;
                if (length <= ChannelHorizon)
                {
                    Count(observation, plane, episodeSums);
                    states++;
                }
                if (result.Done) break;
            }
            returns[e] = total;
            lengths[e] = length;
            for (int c = 0; c < channels; c++) channelTotals[c] += episodeSums[c] / states;
        }
        var means = spec.ChannelNames.Select((name, c) => KeyValuePair.Create(name, channelTotals[c] / episodes)).ToList();
        return new EnvironmentStatistics(game, policy.Name, returns, lengths, means);
    }

    private static void Count(byte[] observation, int plane, double[] sums)
    {
        for (int c = 0; c < sums.Length; c++)
        {
            int active = 0;
            foreach (byte b in observation.AsSpan(c * plane, plane))
                if (b != 0) active++;
            sums[c] += active;
        }
    }
}
