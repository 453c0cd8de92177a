namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Breakout on a 10x10 grid. Channels: paddle, ball, trail, brick. Minimal actions: noop, left, right.
/// </summary>
/// <remarks>
/// <para>Rules. Reset: bricks fill rows 1-3 (30 bricks); the paddle is at (9, 4); the ball starts in row 3, either at
/// column 0 moving down-right or at column 9 moving down-left (a fair coin). Each step the paddle moves one column
/// (clamped to 0..9), then the ball moves one diagonal cell. Entering a brick removes it for +1: the ball stays in
/// its previous row and its vertical direction reverses. Reaching row 9: if no bricks are left, rows 1-3 refill;
/// if the paddle is under the ball's current column the ball bounces straight back (vertical direction reverses);
/// otherwise if the paddle is under the ball's next column it bounces and its horizontal direction flips as well
/// (in both cases the ball stays in row 8); otherwise the episode is terminal. No difficulty ramping.</para>
/// <para>Choices the rules leave open, made here: a ball that would leave the grid through a side wall (or the
/// top) stays in the edge column (row 0) for that step and its horizontal (vertical) direction reverses. The strike
/// latch: a step that breaks a brick sets it, any other step clears it; while it is set, a ball entering a brick
/// cell passes into it without breaking it. The trail is the ball's cell before the last step (its own cell right
/// after a reset).</para>
/// </remarks>
public sealed class BreakoutEnvironment : MinAtarEnvironment
{
    /// <summary>The observation's channels, in order.</summary>
    public static IReadOnlyList<string> Channels { get; } = ["paddle", "ball", "trail", "brick"];

    // The state, internal so that the rule tests can script exact situations.
    internal int paddleX;
    internal int ballX, ballY, ballDx, ballDy;
    internal int lastX, lastY;
    internal bool strike;

    /// <summary>Bricks as row masks: bit c of entry r is the brick at (r, c).</summary>
    internal readonly ushort[] bricks = new ushort[GridPlanes.Size];

    private const ushort FullRow = 0x3FF;

    internal BreakoutEnvironment(MinAtarOptions options) : base(options with { Game = MinAtarGame.Breakout }, [.. Channels])
    {
    }

    private protected override void ResetGame()
    {
        Array.Clear(bricks);
        bricks[1] = bricks[2] = bricks[3] = FullRow;
        paddleX = 4;
        ballY = 3;
        ballDy = 1;
        if (random.NextBool())
        {
            ballX = 0;
            ballDx = 1;
        }
        else
        {
            ballX = 9;
            ballDx = -1;
        }
        lastX = ballX;
        lastY = ballY;
        strike = false;
    }

    private protected override float Advance(int action, out bool terminal)
    {
        terminal = false;
        if (action == MinAtarActions.Left) paddleX = Math.Max(0, paddleX - 1);
        else if (action == MinAtarActions.Right) paddleX = Math.Min(9, paddleX + 1);

        lastX = ballX;
        lastY = ballY;
        int newX = ballX + ballDx;
        int newY = ballY + ballDy;
        if (newX < 0 || newX > 9)
        {
            newX = newX < 0 ? 0 : 9;
            ballDx = -ballDx;
        }
        if (newY < 0)
        {
            newY = 0;
            ballDy = 1;
        }

        float reward = 0;
        bool broke = false;
        if (((bricks[newY] >> newX) & 1) != 0)
        {
            if (!strike)
            {
                bricks[newY] &= (ushort)~(1 << newX);
                reward = 1;
                broke = true;
                newY = ballY;
                ballDy = -ballDy;
            }
        }
        else if (newY == 9)
        {
            if (bricks[1] == 0 && bricks[2] == 0 && bricks[3] == 0)
                bricks[1] = bricks[2] = bricks[3] = FullRow;
            if (paddleX == ballX)
            {
                ballDy = -ballDy;
                newY = ballY;
            }
            else if (paddleX == newX)
            {
                ballDy = -ballDy;
                ballDx = -ballDx;
                newY = ballY;
            }
            else
            {
                terminal = true;
            }
        }
        strike = broke;
        ballX = newX;
        ballY = newY;
        return reward;
    }

    private protected override void Render(Span<byte> observation)
    {
        observation[..(3 * GridPlanes.Cells)].Clear();
        GridPlanes.Set(observation, 0, 9, paddleX);
        GridPlanes.Set(observation, 1, ballY, ballX);
        GridPlanes.Set(observation, 2, lastY, lastX);
        GridPlanes.WriteRows(observation, 3, bricks);
    }
}
