namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>MinAtar's action set: 6 actions shared by every game, and each game's minimal subset.</summary>
public static class MinAtarActions
{
    /// <summary>Do nothing.</summary>
    public const int Noop = 0;

    /// <summary>Move left.</summary>
    public const int Left = 1;

    /// <summary>Move up.</summary>
    public const int Up = 2;

    /// <summary>Move right.</summary>
    public const int Right = 3;

    /// <summary>Move down.</summary>
    public const int Down = 4;

    /// <summary>Fire.</summary>
    public const int Fire = 5;

    /// <summary>Number of actions in the full set.</summary>
    public const int Count = 6;

    /// <summary>Names of the full action set, by index.</summary>
    public static IReadOnlyList<string> Names { get; } = ["noop", "left", "up", "right", "down", "fire"];

    /// <summary>
    /// The actions of <paramref name="game"/>'s minimal set, as indices into the full set: Breakout noop, left,
    /// right; Asterix noop, left, up, right, down; Freeway noop, up, down; Seaquest all 6; Space Invaders noop, left,
    /// right, fire.
    /// </summary>
    public static IReadOnlyList<int> Minimal(MinAtarGame game) => game switch
    {
        MinAtarGame.Breakout => [Noop, Left, Right],
        MinAtarGame.Asterix => [Noop, Left, Up, Right, Down],
        MinAtarGame.Freeway => [Noop, Up, Down],
        MinAtarGame.Seaquest => [Noop, Left, Up, Right, Down, Fire],
        MinAtarGame.SpaceInvaders => [Noop, Left, Right, Fire],
        _ => throw new ArgumentOutOfRangeException(nameof(game), game, "Unknown MinAtar game."),
    };
}
