using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Reinforcement.Evaluation;

/// <summary>
/// Published reference returns of MinAtar agents, for comparisons and min-max normalization. They are read off the
/// MinAtar paper's learning curves (Young and Tian 2019, Fig. 2, the README's <c>learning_curves.gif</c>): moving
/// averages of training-episode returns over 100 episodes, averaged over 30 runs, of the reference DQN (centered RMSProp,
/// replay 100k, target period 1,000, training every step) after 5M frames. The paper gives curves only, no table, so
/// treat them as about +-10%; its Seaquest used the game before a 2022 fix of the oxygen bar.
/// </summary>
public static class MinAtarReference
{
    /// <summary>Frames (environment steps) at which <see cref="DqnReturn"/> is read.</summary>
    public const long Frames = 5_000_000;

    /// <summary>Where the numbers come from, for reports.</summary>
    public const string Source = "MinAtar paper (Young & Tian 2019) Fig. 2, DQN at 5M frames, read off the curves (about +-10%)";

    /// <summary>The reference DQN's return after <see cref="Frames"/> frames, read off the paper's curves.</summary>
    public static double DqnReturn(MinAtarGame game) => game switch
    {
        MinAtarGame.Asterix => 17,
        MinAtarGame.Breakout => 10,
        MinAtarGame.Freeway => 50,
        MinAtarGame.Seaquest => 20,
        MinAtarGame.SpaceInvaders => 43,
        _ => throw new ArgumentOutOfRangeException(nameof(game), game, "Not a MinAtar game."),
    };
}
