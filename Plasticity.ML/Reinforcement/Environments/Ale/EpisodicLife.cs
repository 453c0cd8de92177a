namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// The bookkeeping of episodic life (Mnih et al. 2015; the EpisodicLifeEnv of OpenAI Baselines and Stable-Baselines3):
/// a lost life ends the training episode while the game goes on, and the next reset without a seed continues that
/// game instead of starting a new one. Kept apart from <see cref="AleEnvironment"/> so that it is tested without a
/// game with lives (the only ROM we may use, Tetris, has none).
/// </summary>
internal sealed class EpisodicLife
{
    private int _lives;

    /// <summary>True after <see cref="EndsEpisode"/> reported a lost life, until the next <see cref="Begin"/>.</summary>
    public bool LifeLost { get; private set; }

    /// <summary>An episode starts (a new game, or the same game after a lost life) with <paramref name="lives"/>.</summary>
    public void Begin(int lives)
    {
        _lives = lives;
        LifeLost = false;
    }

    /// <summary>
    /// After a step: whether a life was lost while the game goes on (lives dropped but stayed above 0, and the game
    /// did not end). The game's own end is not a lost life: it is a real termination.
    /// </summary>
    /// <param name="lives">Lives after the step.</param>
    /// <param name="gameEnded">The game ended or was truncated in this step.</param>
    public bool EndsEpisode(int lives, bool gameEnded)
    {
        bool lost = !gameEnded && lives > 0 && lives < _lives;
        _lives = lives;
        if (lost) LifeLost = true;
        return lost;
    }

    /// <summary>Whether a reset should continue the current game: no seed was given, the last episode ended on a lost life, and the game is not over.</summary>
    /// <param name="seed">The reset's seed (a seed always starts a new game).</param>
    /// <param name="gameOver">The game is over (or truncated).</param>
    public bool ContinuesGame(long? seed, bool gameOver) => seed is null && LifeLost && !gameOver;
}
