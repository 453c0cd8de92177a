using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>Small environments whose optimal Q-values are known by hand, for the agents' known-answer tests.</summary>
internal static class TestEnvironments
{
    /// <summary>A spec of one-hot observations <c>[states, 1, 1]</c>.</summary>
    public static EnvironmentSpec OneHotSpec(string name, int states, int actions) => new()
    {
        Name = name,
        ObservationShape = [states, 1, 1],
        ChannelNames = Enumerable.Range(0, states).Select(s => $"state-{s}").ToArray(),
        ObservationMaximum = 1,
        ActionCount = actions,
        ActionNames = Enumerable.Range(0, actions).Select(a => $"action-{a}").ToArray(),
    };

    public static void OneHot(Span<byte> observation, int state)
    {
        observation.Clear();
        observation[state] = 1;
    }
}

/// <summary>
/// A deterministic chain of <c>n</c> states, starting in state 0. Action 1 moves right, action 0 moves left (state 0
/// stays). Moving right into the last state pays 1 and ends the episode; every other step pays 0. With discount gamma,
/// <c>Q*(s, right) = gamma^(n - 2 - s)</c> and <c>Q*(s, left) = gamma Q*(max(s - 1, 0), right)</c>.
/// </summary>
internal sealed class ChainEnvironment(int states) : IEnvironment
{
    private int state;
    private bool running;

    public EnvironmentSpec Spec { get; } = TestEnvironments.OneHotSpec("chain", states, 2);

    public int? Lives => null;

    /// <summary>Number of Reset calls (to check which environment an agent used).</summary>
    public int Resets { get; private set; }

    public static double OptimalQ(int states, double gamma, int state, int action) =>
        action == 1 ? Math.Pow(gamma, states - 2 - state) : gamma * OptimalQ(states, gamma, Math.Max(state - 1, 0), 1);

    public void Reset(long? seed, Span<byte> observation)
    {
        state = 0;
        running = true;
        Resets++;
        TestEnvironments.OneHot(observation, state);
    }

    public StepResult Step(int action, Span<byte> observation)
    {
        if (!running) throw new InvalidOperationException("Reset first.");
        if (action is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(action));
        state = action == 1 ? state + 1 : Math.Max(state - 1, 0);
        bool end = state == states - 1;
        running = !end;
        TestEnvironments.OneHot(observation, state);
        return new StepResult(end ? 1f : 0f, end, false);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// A contextual bandit: each episode is one step in a context drawn from the reset seed's stream (one-hot observation);
/// action a in context c pays <c>Rewards[c, a]</c> and ends the episode, so <c>Q*(c, a) = Rewards[c, a]</c> for any gamma.
/// </summary>
internal sealed class BanditEnvironment(double[,] rewards) : IEnvironment
{
    private RandomStream random = new(0);
    private int context;
    private bool running;

    public EnvironmentSpec Spec { get; } = TestEnvironments.OneHotSpec("bandit", rewards.GetLength(0), rewards.GetLength(1));

    public int? Lives => null;

    public double[,] Rewards => rewards;

    public void Reset(long? seed, Span<byte> observation)
    {
        if (seed is long s) random = new RandomStream(s);
        context = random.Next(rewards.GetLength(0));
        running = true;
        TestEnvironments.OneHot(observation, context);
    }

    public StepResult Step(int action, Span<byte> observation)
    {
        if (!running) throw new InvalidOperationException("Reset first.");
        running = false;
        float reward = (float)rewards[context, action];
        TestEnvironments.OneHot(observation, context);
        return new StepResult(reward, true, false);
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// Catch on a 5 x 5 grid with two boolean channels (ball, paddle), random in its own stream: the ball starts in a
/// random column of the top row and falls one row per step, drifting a column left or right with probability 0.2 each;
/// the paddle on the bottom row stays (action 0) or moves left (1) or right (2). When the ball reaches the bottom row
/// the episode terminates with +1 if the paddle is under it, else -1. Deterministic given the reset seed and actions.
/// </summary>
internal sealed class CatchEnvironment : IEnvironment
{
    private const int Size = 5;
    private RandomStream random = new(0);
    private int ballRow, ballColumn, paddle;
    private bool running;

    public EnvironmentSpec Spec { get; } = new()
    {
        Name = "catch",
        ObservationShape = [2, Size, Size],
        ChannelNames = ["ball", "paddle"],
        ObservationMaximum = 1,
        ActionCount = 3,
        ActionNames = ["stay", "left", "right"],
    };

    public int? Lives => null;

    public int Resets { get; private set; }

    public void Reset(long? seed, Span<byte> observation)
    {
        if (seed is long s) random = new RandomStream(s);
        ballRow = 0;
        ballColumn = random.Next(Size);
        paddle = Size / 2;
        running = true;
        Resets++;
        Draw(observation);
    }

    public StepResult Step(int action, Span<byte> observation)
    {
        if (!running) throw new InvalidOperationException("Reset first.");
        if (action is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(action));
        paddle = Math.Clamp(paddle + (action == 1 ? -1 : action == 2 ? 1 : 0), 0, Size - 1);
        double u = random.NextDouble();
        ballColumn = Math.Clamp(ballColumn + (u < 0.2 ? -1 : u < 0.4 ? 1 : 0), 0, Size - 1);
        ballRow++;
        Draw(observation);
        if (ballRow < Size - 1) return new StepResult(0, false, false);
        running = false;
        return new StepResult(ballColumn == paddle ? 1 : -1, true, false);
    }

    private void Draw(Span<byte> observation)
    {
        observation.Clear();
        observation[ballRow * Size + ballColumn] = 1;
        observation[Size * Size + (Size - 1) * Size + paddle] = 1;
    }

    public void Dispose()
    {
    }
}
