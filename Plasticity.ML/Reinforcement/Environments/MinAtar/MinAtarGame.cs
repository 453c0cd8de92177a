namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>The five MinAtar-style games (Young and Tian 2019), re-implemented from their published rules.</summary>
public enum MinAtarGame
{
    /// <summary>Break three rows of bricks with a ball bouncing off a paddle; terminal when the ball passes the paddle.</summary>
    Breakout,

    /// <summary>Collect gold and dodge enemies that cross the screen in rows 1-8; terminal on touching an enemy.</summary>
    Asterix,

    /// <summary>Lead a chicken across eight lanes of cars; a hit sends it back; the episode lasts 2,500 steps.</summary>
    Freeway,

    /// <summary>A submarine shoots fish and enemy subs, rescues divers and must surface for oxygen.</summary>
    Seaquest,

    /// <summary>A cannon shoots a marching formation of aliens that shoot back.</summary>
    SpaceInvaders,
}
