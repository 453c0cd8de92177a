namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Seaquest on a 10x10 grid. Channels: sub_front, sub_back, friendly_bullet, trail, enemy_bullet, enemy_fish,
/// enemy_sub, oxygen_gauge, diver_gauge, diver. All 6 actions are minimal.
/// </summary>
/// <remarks>
/// <para>Rules. The player's sub starts on the surface at (0, 5) facing left and moves in rows 0..8 and columns
/// 0..9; left and right also set its facing; fire launches a bullet from the sub's cell in the facing direction
/// when the shot cooldown (5 steps) allows. Enemies appear every <c>enemy spawn interval</c> steps (20 at first)
/// in a random row 1-8, at column 0 moving right or at column 9 moving left; an enemy is a sub with probability
/// 1/3, otherwise a fish; the spawn is skipped if an enemy already in that row moves the other way. Enemies move
/// one column every <c>move interval</c> steps (5 at first) and leave at the edges. Enemy subs fire every 10 steps.
/// Bullets move one cell per step and leave at the edges; a friendly bullet that meets a fish or an enemy sub
/// kills it for +1. Touching a fish, an enemy sub or an enemy bullet is terminal. Oxygen (200 at most) drops by 1
/// on every step the sub spends below row 0, and running out (0) is terminal. Reaching row 0 from below is a
/// surfacing: with no divers on board it is terminal; with 6 it scores oxygen * 10 / 200 (integer division, 0 to
/// 10) and all 6 leave; otherwise one diver leaves; oxygen then refills. With difficulty ramping, each surfacing
/// lowers the enemy spawn interval by 1 while above 1 and, on every second surfacing (the 2nd, 4th, ...), the move
/// interval by 1 while above 2. Row 9 shows two gauges: oxygen_gauge over columns 0 .. oxygen * 10 / 200 - 1,
/// diver_gauge over the <c>count</c> cells ending at column 8.</para>
/// <para>Choices the rules leave open, made here (the reference has variants between versions, see the README):
/// divers spawn every 30 steps in a random row 1-8 at column 0 (moving right) or 9 (moving left), with no
/// skip rule, and always move every 5 steps (no ramping); touching a diver picks it up when fewer than 6 are on
/// board (otherwise it swims on). After a 6-diver surfacing the count is 0, so a later surfacing without divers is
/// terminal: the reference's quirk that leaves the count at -1 (making later empty surfacings safe) is NOT
/// reproduced. An enemy sub's shot starts in its own cell and moves in the sub's direction (so it first shows one
/// cell ahead of the sub); each enemy sub has its own 10-step shot timer from its spawn. Contact uses the sub's
/// front cell only; sub_back (the cell behind, opposite the facing) is drawn for the agent to read the facing.
/// The oxygen drop is applied at the end of the step, after movement, so a sub that rises to row 0 is not charged
/// for that step.</para>
/// <para>Order of a step: shot cooldown; the sub acts (move or fire); spawns (enemy, diver) and enemy-sub shots;
/// friendly bullets move and hit; enemy bullets move; contact (terminal) and diver pickup; enemies and divers move
/// on their timers; friendly bullets hit again; contact and pickup again; oxygen and surfacing. A terminal contact
/// ends the step at once. Timers count down from their interval and fire at 0 (first enemy on step 20, first diver
/// on step 30). Object lists are small fixed arrays; a spawn or shot that would exceed them is dropped (their
/// sizes exceed what the rules can produce).</para>
/// </remarks>
public sealed class SeaquestEnvironment : MinAtarEnvironment
{
    /// <summary>The observation's channels, in order.</summary>
    public static IReadOnlyList<string> Channels { get; } =
        ["sub_front", "sub_back", "friendly_bullet", "trail", "enemy_bullet", "enemy_fish", "enemy_sub", "oxygen_gauge", "diver_gauge", "diver"];

    /// <summary>Oxygen of a full tank.</summary>
    public const int MaxOxygen = 200;

    /// <summary>Divers the sub carries at most.</summary>
    public const int MaxDivers = 6;

    /// <summary>Initial enemy spawn interval.</summary>
    public const int InitialEnemySpawnInterval = 20;

    /// <summary>Initial enemy move interval.</summary>
    public const int InitialMoveInterval = 5;

    /// <summary>Diver spawn interval.</summary>
    public const int DiverSpawnInterval = 30;

    /// <summary>Diver move interval.</summary>
    public const int DiverMoveInterval = 5;

    /// <summary>Steps between two friendly shots.</summary>
    public const int ShotCooldown = 5;

    /// <summary>Steps between two shots of an enemy sub.</summary>
    public const int EnemyShotInterval = 10;

    /// <summary>A fish, enemy sub, diver or bullet: cell, direction (-1 left, +1 right), and a shot timer for enemy subs.</summary>
    internal struct Thing
    {
        public int X, Y, Dx, Timer;
        public bool IsSub;
    }

    /// <summary>A fixed-capacity list of things; removal swaps the last one in.</summary>
    internal sealed class Things(int capacity)
    {
        public readonly Thing[] Items = new Thing[capacity];
        public int Count;

        public void Clear() => Count = 0;

        public void Add(int x, int y, int dx, bool isSub = false, int timer = 0)
        {
            if (Count == Items.Length) return;
            Items[Count++] = new Thing { X = x, Y = y, Dx = dx, IsSub = isSub, Timer = timer };
        }

        public void RemoveAt(int i) => Items[i] = Items[--Count];
    }

    // The state, internal so that the rule tests can script exact situations.
    internal int subX, subY, subDx, cooldown, oxygen, divers;
    internal bool surfaced;
    internal int enemySpawnInterval, moveInterval, enemySpawnTimer, enemyMoveTimer, diverSpawnTimer, diverMoveTimer, ramps;
    internal readonly Things enemies = new(64);
    internal readonly Things enemyBullets = new(128);
    internal readonly Things friendlyBullets = new(16);
    internal readonly Things diverList = new(16);

    private readonly bool ramping;

    internal SeaquestEnvironment(MinAtarOptions options) : base(options with { Game = MinAtarGame.Seaquest }, [.. Channels]) =>
        ramping = options.DifficultyRamping;

    private protected override void ResetGame()
    {
        subX = 5;
        subY = 0;
        subDx = -1;
        cooldown = 0;
        oxygen = MaxOxygen;
        divers = 0;
        surfaced = true;
        enemySpawnInterval = InitialEnemySpawnInterval;
        moveInterval = InitialMoveInterval;
        enemySpawnTimer = enemySpawnInterval;
        enemyMoveTimer = moveInterval;
        diverSpawnTimer = DiverSpawnInterval;
        diverMoveTimer = DiverMoveInterval;
        ramps = 0;
        enemies.Clear();
        enemyBullets.Clear();
        friendlyBullets.Clear();
        diverList.Clear();
    }

    private protected override float Advance(int action, out bool terminal)
    {
        float reward = 0;
        if (cooldown > 0) cooldown--;
        switch (action)
        {
            case MinAtarActions.Left:
                subDx = -1;
                subX = Math.Max(0, subX - 1);
                break;
            case MinAtarActions.Right:
                subDx = 1;
                subX = Math.Min(9, subX + 1);
                break;
            case MinAtarActions.Up:
                subY = Math.Max(0, subY - 1);
                break;
            case MinAtarActions.Down:
                subY = Math.Min(8, subY + 1);
                break;
            case MinAtarActions.Fire:
                if (cooldown == 0)
                {
                    friendlyBullets.Add(subX, subY, subDx);
                    cooldown = ShotCooldown;
                }
                break;
        }

        if (--enemySpawnTimer <= 0)
        {
            SpawnEnemy();
            enemySpawnTimer = enemySpawnInterval;
        }
        if (--diverSpawnTimer <= 0)
        {
            int row = 1 + random.NextInt(8);
            bool fromLeft = random.NextBool();
            diverList.Add(fromLeft ? 0 : 9, row, fromLeft ? 1 : -1);
            diverSpawnTimer = DiverSpawnInterval;
        }
        var enemy = enemies.Items;
        for (int i = 0; i < enemies.Count; i++)
        {
            if (!enemy[i].IsSub || --enemy[i].Timer > 0) continue;
            enemyBullets.Add(enemy[i].X, enemy[i].Y, enemy[i].Dx);
            enemy[i].Timer = EnemyShotInterval;
        }

        MoveAll(friendlyBullets);
        reward += Shoot();
        MoveAll(enemyBullets);
        terminal = Contact();
        if (terminal) return reward;

        if (--enemyMoveTimer <= 0)
        {
            MoveAll(enemies);
            enemyMoveTimer = moveInterval;
        }
        if (--diverMoveTimer <= 0)
        {
            MoveAll(diverList);
            diverMoveTimer = DiverMoveInterval;
        }
        reward += Shoot();
        terminal = Contact();
        if (terminal) return reward;

        if (subY > 0)
        {
            surfaced = false;
            if (--oxygen <= 0) terminal = true;
        }
        else if (!surfaced)
        {
            surfaced = true;
            if (divers == 0)
            {
                terminal = true;
                return reward;
            }
            if (divers == MaxDivers)
            {
                reward += oxygen * 10 / MaxOxygen;
                divers = 0;
            }
            else
            {
                divers--;
            }
            oxygen = MaxOxygen;
            if (ramping)
            {
                ramps++;
                if (enemySpawnInterval > 1) enemySpawnInterval--;
                if (ramps % 2 == 0 && moveInterval > 2) moveInterval--;
            }
        }
        return reward;
    }

    private void SpawnEnemy()
    {
        int row = 1 + random.NextInt(8);
        bool fromLeft = random.NextBool();
        bool isSub = random.NextInt(3) == 0;
        int dx = fromLeft ? 1 : -1;
        var enemy = enemies.Items;
        for (int i = 0; i < enemies.Count; i++)
            if (enemy[i].Y == row && enemy[i].Dx != dx) return;
        enemies.Add(fromLeft ? 0 : 9, row, dx, isSub, EnemyShotInterval);
    }

    /// <summary>Moves every thing one column in its direction and drops those that leave the grid.</summary>
    private static void MoveAll(Things things)
    {
        var items = things.Items;
        for (int i = things.Count - 1; i >= 0; i--)
        {
            int x = items[i].X + items[i].Dx;
            if ((uint)x > 9) things.RemoveAt(i);
            else items[i].X = x;
        }
    }

    /// <summary>Removes every friendly bullet that shares a cell with an enemy, and that enemy; +1 each.</summary>
    private float Shoot()
    {
        float reward = 0;
        var bullet = friendlyBullets.Items;
        var enemy = enemies.Items;
        for (int b = friendlyBullets.Count - 1; b >= 0; b--)
        {
            for (int e = 0; e < enemies.Count; e++)
            {
                if (enemy[e].X != bullet[b].X || enemy[e].Y != bullet[b].Y) continue;
                enemies.RemoveAt(e);
                friendlyBullets.RemoveAt(b);
                reward += 1;
                break;
            }
        }
        return reward;
    }

    /// <summary>True when an enemy or an enemy bullet is in the sub's cell; picks up divers there otherwise.</summary>
    private bool Contact()
    {
        var enemy = enemies.Items;
        for (int i = 0; i < enemies.Count; i++)
            if (enemy[i].X == subX && enemy[i].Y == subY) return true;
        var bullet = enemyBullets.Items;
        for (int i = 0; i < enemyBullets.Count; i++)
            if (bullet[i].X == subX && bullet[i].Y == subY) return true;
        var diver = diverList.Items;
        for (int i = diverList.Count - 1; i >= 0 && divers < MaxDivers; i--)
        {
            if (diver[i].X != subX || diver[i].Y != subY) continue;
            diverList.RemoveAt(i);
            divers++;
        }
        return false;
    }

    private protected override void Render(Span<byte> observation)
    {
        observation.Clear();
        GridPlanes.Set(observation, 0, subY, subX);
        int back = subX - subDx;
        if ((uint)back <= 9) GridPlanes.Set(observation, 1, subY, back);
        var bullet = friendlyBullets.Items;
        for (int i = 0; i < friendlyBullets.Count; i++) GridPlanes.Set(observation, 2, bullet[i].Y, bullet[i].X);
        var enemyBullet = enemyBullets.Items;
        for (int i = 0; i < enemyBullets.Count; i++) GridPlanes.Set(observation, 4, enemyBullet[i].Y, enemyBullet[i].X);
        var enemy = enemies.Items;
        for (int i = 0; i < enemies.Count; i++)
        {
            GridPlanes.Set(observation, enemy[i].IsSub ? 6 : 5, enemy[i].Y, enemy[i].X);
            int behind = enemy[i].X - enemy[i].Dx;
            if ((uint)behind <= 9) GridPlanes.Set(observation, 3, enemy[i].Y, behind);
        }
        var diver = diverList.Items;
        for (int i = 0; i < diverList.Count; i++)
        {
            GridPlanes.Set(observation, 9, diver[i].Y, diver[i].X);
            int behind = diver[i].X - diver[i].Dx;
            if ((uint)behind <= 9) GridPlanes.Set(observation, 3, diver[i].Y, behind);
        }
        int gauge = oxygen * 10 / MaxOxygen;
        for (int x = 0; x < gauge; x++) GridPlanes.Set(observation, 7, 9, x);
        for (int x = 9 - divers; x <= 8; x++) GridPlanes.Set(observation, 8, 9, x);
    }
}
