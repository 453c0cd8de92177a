namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Freeway on a 10x10 grid. Channels: chicken, car, speed1..speed5. Minimal actions: noop, up, down.
/// </summary>
/// <remarks>
/// <para>Rules. The chicken stays in column 4 and starts in row 9; it may move (up or down one row) only every 3
/// steps. Rows 1-8 hold one car each, all starting at column 0, each with a random period k in 1..5 (it moves one
/// column every k steps) and a random direction; cars wrap around horizontally. Reaching row 0 scores +1, puts
/// the chicken back in row 9 and re-draws every car's period and direction (positions stay). A car in the
/// chicken's cell, checked after the chicken moves and again after the cars move, sends the chicken back to row 9;
/// this is not terminal. The trail marks the cell behind each car (wrapping too) in channel speedk for its period
/// k. The episode ends after 2,500 steps, reported as terminated (the game itself ends, as in MinAtar and in the
/// Atari original, whose clock runs out). No difficulty ramping.</para>
/// <para>Choices made here: an up or down action while the cooldown is 0 starts the 3-step cooldown (also at the
/// bottom edge, where the chicken cannot move down); the cooldown counts down at the start of every step, so moves
/// happen at most on steps t, t + 3, t + 6, .... A car's step timer counts down from its period and the car moves
/// when it reaches 0; re-drawing a car restarts its timer at the new period. The chicken is at column 4 of the
/// 10 columns (MinAtar's grid has no exact middle).</para>
/// </remarks>
public sealed class FreewayEnvironment : MinAtarEnvironment
{
    /// <summary>The observation's channels, in order.</summary>
    public static IReadOnlyList<string> Channels { get; } = ["chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5"];

    /// <summary>Steps in an episode.</summary>
    public const int EpisodeLength = 2500;

    /// <summary>Steps between two moves of the chicken.</summary>
    public const int MoveCooldown = 3;

    /// <summary>The chicken's column.</summary>
    public const int ChickenColumn = 4;

    // The state, internal so that the rule tests can script exact situations. Cars are indexed by row (1..8).
    internal int chickenY, cooldown, stepsLeft;
    internal readonly int[] carX = new int[GridPlanes.Size];
    internal readonly int[] carDx = new int[GridPlanes.Size];
    internal readonly int[] carPeriod = new int[GridPlanes.Size];
    internal readonly int[] carTimer = new int[GridPlanes.Size];

    internal FreewayEnvironment(MinAtarOptions options) : base(options with { Game = MinAtarGame.Freeway }, [.. Channels])
    {
    }

    private protected override void ResetGame()
    {
        chickenY = 9;
        cooldown = 0;
        stepsLeft = EpisodeLength;
        for (int row = 1; row <= 8; row++) carX[row] = 0;
        RandomizeCars();
    }

    private void RandomizeCars()
    {
        for (int row = 1; row <= 8; row++)
        {
            carPeriod[row] = 1 + random.NextInt(5);
            carDx[row] = random.NextBool() ? 1 : -1;
            carTimer[row] = carPeriod[row];
        }
    }

    private protected override float Advance(int action, out bool terminal)
    {
        float reward = 0;
        if (cooldown > 0) cooldown--;
        if (cooldown == 0 && action is MinAtarActions.Up or MinAtarActions.Down)
        {
            chickenY = action == MinAtarActions.Up ? chickenY - 1 : Math.Min(9, chickenY + 1);
            cooldown = MoveCooldown;
            if (chickenY == 0)
            {
                reward = 1;
                chickenY = 9;
                RandomizeCars();
            }
        }
        Hit();
        for (int row = 1; row <= 8; row++)
        {
            if (--carTimer[row] > 0) continue;
            carX[row] = (carX[row] + carDx[row] + 10) % 10;
            carTimer[row] = carPeriod[row];
        }
        Hit();
        terminal = --stepsLeft <= 0;
        return reward;
    }

    private void Hit()
    {
        if (chickenY is >= 1 and <= 8 && carX[chickenY] == ChickenColumn) chickenY = 9;
    }

    private protected override void Render(Span<byte> observation)
    {
        observation.Clear();
        GridPlanes.Set(observation, 0, chickenY, ChickenColumn);
        for (int row = 1; row <= 8; row++)
        {
            int x = carX[row];
            GridPlanes.Set(observation, 1, row, x);
            GridPlanes.Set(observation, 1 + carPeriod[row], row, (x - carDx[row] + 10) % 10);
        }
    }
}
