using System.Numerics;

namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Space Invaders on a 10x10 grid. Channels: cannon, alien, alien_left, alien_right, friendly_bullet,
/// enemy_bullet. Minimal actions: noop, left, right, fire.
/// </summary>
/// <remarks>
/// <para>Rules. The cannon starts at (9, 5); 24 aliens fill rows 0-3 x columns 2-7 and travel left; the alien
/// move interval is 12, the alien shot interval 10, the cannon's shot cooldown 5. Each step, in order: (1) fire,
/// when the cooldown allows, puts a bullet at (9, cannon); left and right move the cannon; (2) friendly bullets
/// move up one row and vanish past the top; (3) enemy bullets move down one row and vanish past the bottom; one on
/// the cannon is terminal; (4) an alien on the cannon's cell is terminal; (5) when the move timer runs out: if an
/// alien stands at the edge in the travel direction, all aliens move down one row and the direction reverses
/// (terminal if an alien was already in row 9), otherwise all move one column sideways; (6) the move timer restarts
/// at min(number of aliens, move interval), so a thinned formation moves faster and a lone alien every step;
/// (7) every 10 steps the lowest alien of the non-empty column nearest the cannon fires; (8) a friendly bullet in
/// an alien's cell kills it for +1 (the bullet is spent). When no alien is left, a new wave fills the start
/// formation; with difficulty ramping the move interval then drops by 1, not below 6. alien_left or alien_right
/// (by the current direction) repeats the alien plane.</para>
/// <para>Choices made here: the cooldown counts down at the start of every step (shots at most every 5 steps); a
/// fire action during the cooldown does nothing (the cannon does not move). An alien's shot starts in its own cell
/// and first shows one row below it on the next step. When two non-empty columns are equally near the cannon, the
/// left one fires. A new wave travels left and its move timer starts at the (ramped) interval; bullets in flight
/// stay.</para>
/// </remarks>
public sealed class SpaceInvadersEnvironment : MinAtarEnvironment
{
    /// <summary>The observation's channels, in order.</summary>
    public static IReadOnlyList<string> Channels { get; } = ["cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet"];

    /// <summary>Initial alien move interval.</summary>
    public const int InitialMoveInterval = 12;

    /// <summary>Lowest move interval difficulty ramping reaches.</summary>
    public const int MinimumMoveInterval = 6;

    /// <summary>Steps between two alien shots.</summary>
    public const int AlienShotInterval = 10;

    /// <summary>Steps between two cannon shots.</summary>
    public const int ShotCooldown = 5;

    /// <summary>Columns 2-7 of a formation row.</summary>
    internal const ushort FormationRow = 0b00_1111_1100;

    // The state, internal so that the rule tests can script exact situations. Maps are row masks: bit c of entry
    // r is the cell (r, c).
    internal int cannonX, alienDx, moveInterval, moveTimer, shotTimer, cooldown;
    internal readonly ushort[] aliens = new ushort[GridPlanes.Size];
    internal readonly ushort[] friendlyBullets = new ushort[GridPlanes.Size];
    internal readonly ushort[] enemyBullets = new ushort[GridPlanes.Size];

    private readonly bool ramping;

    internal SpaceInvadersEnvironment(MinAtarOptions options) : base(options with { Game = MinAtarGame.SpaceInvaders }, [.. Channels]) =>
        ramping = options.DifficultyRamping;

    private protected override void ResetGame()
    {
        cannonX = 5;
        moveInterval = InitialMoveInterval;
        shotTimer = AlienShotInterval;
        cooldown = 0;
        Array.Clear(friendlyBullets);
        Array.Clear(enemyBullets);
        NewWave();
    }

    private void NewWave()
    {
        Array.Clear(aliens);
        for (int row = 0; row <= 3; row++) aliens[row] = FormationRow;
        alienDx = -1;
        moveTimer = moveInterval;
    }

    private protected override float Advance(int action, out bool terminal)
    {
        terminal = false;
        if (cooldown > 0) cooldown--;
        int cannonBit = 1 << cannonX;
        switch (action)
        {
            case MinAtarActions.Fire:
                if (cooldown == 0)
                {
                    friendlyBullets[9] |= (ushort)cannonBit;
                    cooldown = ShotCooldown;
                }
                break;
            case MinAtarActions.Left:
                cannonX = Math.Max(0, cannonX - 1);
                break;
            case MinAtarActions.Right:
                cannonX = Math.Min(9, cannonX + 1);
                break;
        }
        cannonBit = 1 << cannonX;

        for (int row = 0; row < 9; row++) friendlyBullets[row] = friendlyBullets[row + 1];
        friendlyBullets[9] = 0;

        for (int row = 9; row > 0; row--) enemyBullets[row] = enemyBullets[row - 1];
        enemyBullets[0] = 0;
        if ((enemyBullets[9] & cannonBit) != 0 || (aliens[9] & cannonBit) != 0)
        {
            terminal = true;
            return 0;
        }

        if (--moveTimer <= 0)
        {
            int any = 0;
            for (int row = 0; row < 10; row++) any |= aliens[row];
            int edge = alienDx < 0 ? 1 : 1 << 9;
            if ((any & edge) != 0)
            {
                if (aliens[9] != 0)
                {
                    terminal = true;
                    return 0;
                }
                for (int row = 9; row > 0; row--) aliens[row] = aliens[row - 1];
                aliens[0] = 0;
                alienDx = -alienDx;
            }
            else if (alienDx < 0)
            {
                for (int row = 0; row < 10; row++) aliens[row] >>= 1;
            }
            else
            {
                for (int row = 0; row < 10; row++) aliens[row] = (ushort)(aliens[row] << 1);
            }
            moveTimer = Math.Min(AlienCount(), moveInterval);
        }

        if (--shotTimer <= 0)
        {
            AlienShot();
            shotTimer = AlienShotInterval;
        }

        float reward = 0;
        for (int row = 0; row < 10; row++)
        {
            int hits = friendlyBullets[row] & aliens[row];
            if (hits == 0) continue;
            reward += BitOperations.PopCount((uint)hits);
            aliens[row] &= (ushort)~hits;
            friendlyBullets[row] &= (ushort)~hits;
        }
        if (reward > 0 && AlienCount() == 0)
        {
            if (ramping && moveInterval > MinimumMoveInterval) moveInterval--;
            NewWave();
        }
        return reward;
    }

    private int AlienCount()
    {
        int count = 0;
        for (int row = 0; row < 10; row++) count += BitOperations.PopCount(aliens[row]);
        return count;
    }

    /// <summary>The lowest alien of the non-empty column nearest the cannon (the left one on a tie) fires.</summary>
    private void AlienShot()
    {
        int columns = 0;
        for (int row = 0; row < 10; row++) columns |= aliens[row];
        if (columns == 0) return;
        int column = -1;
        for (int distance = 0; distance < 10 && column < 0; distance++)
        {
            if (cannonX - distance >= 0 && ((columns >> (cannonX - distance)) & 1) != 0) column = cannonX - distance;
            else if (cannonX + distance <= 9 && ((columns >> (cannonX + distance)) & 1) != 0) column = cannonX + distance;
        }
        for (int row = 9; row >= 0; row--)
        {
            if (((aliens[row] >> column) & 1) == 0) continue;
            enemyBullets[row] |= (ushort)(1 << column);
            return;
        }
    }

    private protected override void Render(Span<byte> observation)
    {
        observation[..GridPlanes.Cells].Clear();
        GridPlanes.Set(observation, 0, 9, cannonX);
        GridPlanes.WriteRows(observation, 1, aliens);
        int moving = alienDx < 0 ? 2 : 3;
        GridPlanes.WriteRows(observation, moving, aliens);
        observation.Slice((5 - moving) * GridPlanes.Cells, GridPlanes.Cells).Clear();
        GridPlanes.WriteRows(observation, 4, friendlyBullets);
        GridPlanes.WriteRows(observation, 5, enemyBullets);
    }
}
