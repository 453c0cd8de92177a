namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// Settings of a MinAtar-style game. The defaults are MinAtar's (and the MinAtar paper's): sticky actions with
/// probability 0.1, difficulty ramping on, the full set of 6 actions.
/// </summary>
public sealed record MinAtarOptions
{
    /// <summary>Which game.</summary>
    public MinAtarGame Game { get; init; } = MinAtarGame.Breakout;

    /// <summary>
    /// Probability that a step repeats the previous action instead of the one given (sticky actions, Machado et al.
    /// 2018); the action taken, repeated or not, becomes the "previous action" of the next step. 0 turns them off.
    /// </summary>
    public double StickyActionProbability { get; init; } = 0.1;

    /// <summary>
    /// Whether the game gets harder over time (Asterix: every 100 steps; Seaquest: at every surfacing; Space
    /// Invaders: at every new wave). Breakout and Freeway have no ramping, so the switch does not change them.
    /// </summary>
    public bool DifficultyRamping { get; init; } = true;

    /// <summary>
    /// Whether the agent chooses among the game's minimal action set (as Gym's MinAtar "-v1" environments do)
    /// instead of all 6 actions (noop, left, up, right, down, fire; the MinAtar paper's setting).
    /// </summary>
    public bool MinimalActions { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Game))
            throw new ArgumentOutOfRangeException(nameof(Game), Game, $"{nameof(MinAtarOptions)}.{nameof(Game)} must be one of {string.Join(", ", Enum.GetNames<MinAtarGame>())}.");
        if (!(StickyActionProbability is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(StickyActionProbability), StickyActionProbability,
                $"{nameof(MinAtarOptions)}.{nameof(StickyActionProbability)} must be a probability in [0, 1]; got {StickyActionProbability}.");
    }
}
