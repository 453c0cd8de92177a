namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// What an environment looks like to an agent. Observations are bytes laid out channels first,
/// <c>[channels, height, width]</c>; an agent scales them to floats by dividing by <see cref="ObservationMaximum"/>.
/// </summary>
public sealed record EnvironmentSpec
{
    /// <summary>A name such as "minatar:breakout" or "ale:tetris".</summary>
    public required string Name { get; init; }

    /// <summary>Observation shape, channels first: <c>[channels, height, width]</c>.</summary>
    public required int[] ObservationShape { get; init; }

    /// <summary>One name per channel (MinAtar's object channels such as "paddle"; "frame-0".."frame-3" for stacked frames).</summary>
    public required string[] ChannelNames { get; init; }

    /// <summary>The largest byte value an observation holds: 1 for boolean grids, 255 for grayscale pixels.</summary>
    public byte ObservationMaximum { get; init; } = 1;

    /// <summary>Number of actions; actions are the indices 0 .. ActionCount-1.</summary>
    public required int ActionCount { get; init; }

    /// <summary>One name per action, such as "noop", "left", "fire".</summary>
    public required string[] ActionNames { get; init; }

    /// <summary>
    /// Frames stacked along the channel axis (DQN's frame stack; ALE's 4): each observation is the episode's last
    /// <see cref="StackedFrames"/> frames, oldest first, each <c>channels / StackedFrames</c> channels deep, so that
    /// consecutive observations of an episode share all frames but the newest, and an episode's first observation repeats
    /// its first frame in every position. A replay then stores each frame once. 1 (the default): observations are not stacks.
    /// </summary>
    public int StackedFrames { get; init; } = 1;

    /// <summary>Bytes of one observation: the product of <see cref="ObservationShape"/>.</summary>
    public int ObservationSize => ObservationShape.Aggregate(1, (a, b) => a * b);
}
