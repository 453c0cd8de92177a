namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Asterix on a 10x10 grid. Channels: player, enemy, trail, gold. Minimal actions: noop, left, up, right, down.
/// </summary>
/// <remarks>
/// <para>Rules. The player starts at (5, 5) and moves one cell per step (rows clamped to 1..8, columns to 0..9).
/// Rows 1-8 hold at most one entity each. Every <c>spawn interval</c> steps (10 at first) an entity appears in a
/// random free row, at column 0 moving right or at column 9 moving left (a fair coin); it is gold with probability
/// 1/3, otherwise an enemy. Every <c>move interval</c> steps (5 at first) all entities move one column and leave
/// when they cross the edge. Touching gold removes it for +1; touching an enemy is terminal; contact is checked
/// after the player's move (and the spawn) and again after the entities' move. The trail marks the cell behind each
/// entity. Difficulty ramping, every 100 steps: the spawn interval drops by 1 while above 1, and on every second
/// ramp (the 2nd, 4th, ...) the move interval drops by 1 while above 1.</para>
/// <para>Order of a step, chosen here: player move; spawn timer; contact; move timer; contact; ramp timer. Each
/// timer counts down from its interval and fires when it reaches 0, so the first spawn happens on step 10, the
/// first move on step 5 and the first ramp on step 100. A terminal contact ends the step at once (the entities do
/// not move on). A spawn draws, in order, the free row, the side and the kind.</para>
/// </remarks>
public sealed class AsterixEnvironment : MinAtarEnvironment
{
    /// <summary>The observation's channels, in order.</summary>
    public static IReadOnlyList<string> Channels { get; } = ["player", "enemy", "trail", "gold"];

    /// <summary>Initial spawn interval.</summary>
    public const int InitialSpawnInterval = 10;

    /// <summary>Initial move interval.</summary>
    public const int InitialMoveInterval = 5;

    /// <summary>Steps between difficulty ramps.</summary>
    public const int RampInterval = 100;

    // The state, internal so that the rule tests can script exact situations. Entities are indexed by row (1..8).
    internal int playerX, playerY;
    internal readonly bool[] active = new bool[GridPlanes.Size];
    internal readonly bool[] gold = new bool[GridPlanes.Size];
    internal readonly int[] entityX = new int[GridPlanes.Size];
    internal readonly int[] entityDx = new int[GridPlanes.Size];
    internal int spawnInterval, moveInterval, spawnTimer, moveTimer, rampTimer, ramps;

    private readonly bool ramping;

    internal AsterixEnvironment(MinAtarOptions options) : base(options with { Game = MinAtarGame.Asterix }, [.. Channels]) =>
        ramping = options.DifficultyRamping;

    private protected override void ResetGame()
    {
        playerX = 5;
        playerY = 5;
        Array.Clear(active);
        spawnInterval = InitialSpawnInterval;
        moveInterval = InitialMoveInterval;
        spawnTimer = spawnInterval;
        moveTimer = moveInterval;
        rampTimer = RampInterval;
        ramps = 0;
    }

    private protected override float Advance(int action, out bool terminal)
    {
        switch (action)
        {
            case MinAtarActions.Left: playerX = Math.Max(0, playerX - 1); break;
            case MinAtarActions.Right: playerX = Math.Min(9, playerX + 1); break;
            case MinAtarActions.Up: playerY = Math.Max(1, playerY - 1); break;
            case MinAtarActions.Down: playerY = Math.Min(8, playerY + 1); break;
        }

        if (--spawnTimer <= 0)
        {
            Spawn();
            spawnTimer = spawnInterval;
        }
        float reward = Contact(out terminal);
        if (terminal) return reward;

        if (--moveTimer <= 0)
        {
            for (int row = 1; row <= 8; row++)
            {
                if (!active[row]) continue;
                int x = entityX[row] + entityDx[row];
                if (x < 0 || x > 9) active[row] = false;
                else entityX[row] = x;
            }
            moveTimer = moveInterval;
        }
        reward += Contact(out terminal);
        if (terminal) return reward;

        if (ramping && --rampTimer <= 0)
        {
            ramps++;
            if (spawnInterval > 1) spawnInterval--;
            if (ramps % 2 == 0 && moveInterval > 1) moveInterval--;
            rampTimer = RampInterval;
        }
        return reward;
    }

    private float Contact(out bool terminal)
    {
        terminal = false;
        int row = playerY;
        if (!active[row] || entityX[row] != playerX) return 0;
        if (gold[row])
        {
            active[row] = false;
            return 1;
        }
        terminal = true;
        return 0;
    }

    private void Spawn()
    {
        int free = 0;
        for (int row = 1; row <= 8; row++)
            if (!active[row]) free++;
        if (free == 0) return;
        int pick = random.NextInt(free);
        int chosen = 1;
        for (int row = 1; row <= 8; row++)
        {
            if (active[row]) continue;
            if (pick-- == 0)
            {
                chosen = row;
                break;
            }
        }
        bool fromLeft = random.NextBool();
        active[chosen] = true;
        entityX[chosen] = fromLeft ? 0 : 9;
        entityDx[chosen] = fromLeft ? 1 : -1;
        gold[chosen] = random.NextInt(3) == 0;
    }

    private protected override void Render(Span<byte> observation)
    {
        observation.Clear();
        GridPlanes.Set(observation, 0, playerY, playerX);
        for (int row = 1; row <= 8; row++)
        {
            if (!active[row]) continue;
            int x = entityX[row];
            GridPlanes.Set(observation, gold[row] ? 3 : 1, row, x);
            int behind = x - entityDx[row];
            if ((uint)behind <= 9) GridPlanes.Set(observation, 2, row, behind);
        }
    }
}
