namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>ALE's joystick actions for player A, numbered as ALE numbers them (its <c>Action</c> enum, 0..17).</summary>
public enum AleAction
{
    /// <summary>Do nothing.</summary>
    Noop = 0,
    /// <summary>Press fire.</summary>
    Fire = 1,
    /// <summary>Up.</summary>
    Up = 2,
    /// <summary>Right.</summary>
    Right = 3,
    /// <summary>Left.</summary>
    Left = 4,
    /// <summary>Down.</summary>
    Down = 5,
    /// <summary>Up and right.</summary>
    UpRight = 6,
    /// <summary>Up and left.</summary>
    UpLeft = 7,
    /// <summary>Down and right.</summary>
    DownRight = 8,
    /// <summary>Down and left.</summary>
    DownLeft = 9,
    /// <summary>Up with fire.</summary>
    UpFire = 10,
    /// <summary>Right with fire.</summary>
    RightFire = 11,
    /// <summary>Left with fire.</summary>
    LeftFire = 12,
    /// <summary>Down with fire.</summary>
    DownFire = 13,
    /// <summary>Up, right and fire.</summary>
    UpRightFire = 14,
    /// <summary>Up, left and fire.</summary>
    UpLeftFire = 15,
    /// <summary>Down, right and fire.</summary>
    DownRightFire = 16,
    /// <summary>Down, left and fire.</summary>
    DownLeftFire = 17,
}
