using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// A stand-in for a MinAtar game in the agent benchmarks: <c>[channels, 10, 10]</c> boolean observations with about one
/// cell in ten set, drawn from its own stream; reward 1 with probability 0.05; episodes end with probability 0.01 per
/// step. Its cost per step (a few microseconds) is of the order of the real games', so agent throughput measures the agent.
/// </summary>
public sealed class RandomGridEnvironment(int channels, int actions = 6) : IEnvironment
{
    private RandomStream random = new(0);
    private bool running;

    /// <inheritdoc />
    public EnvironmentSpec Spec { get; } = new()
    {
        Name = "random-grid",
        ObservationShape = [channels, 10, 10],
        ChannelNames = Enumerable.Range(0, channels).Select(c => $"c{c}").ToArray(),
        ObservationMaximum = 1,
        ActionCount = actions,
        ActionNames = Enumerable.Range(0, actions).Select(a => $"a{a}").ToArray(),
    };

    /// <inheritdoc />
    public int? Lives => null;

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        if (seed is long s) random = new RandomStream(s);
        running = true;
        Draw(observation);
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        if (!running) throw new InvalidOperationException("Reset first.");
        ArgumentOutOfRangeException.ThrowIfNegative(action);
        Draw(observation);
        float reward = random.NextDouble() < 0.05 ? 1f : 0f;
        running = random.NextDouble() >= 0.01;
        return new StepResult(reward, !running, false);
    }

    private void Draw(Span<byte> observation)
    {
        for (int i = 0; i < observation.Length; i += 8)
        {
            ulong bits = random.NextUInt64();
            for (int j = 0; j < 8 && i + j < observation.Length; j++) observation[i + j] = (byte)(((bits >> (8 * j)) & 0xFF) < 26 ? 1 : 0);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
