using Plasticity.ML.Common;

namespace Plasticity.ML.Reinforcement.Environments.MinAtar;

/// <summary>
/// What the five MinAtar-style games share: the 10x10 boolean grid with one channel per object type (written as
/// bytes 0/1, channels first), the 6-action set or a game's minimal set, sticky actions, one random stream per
/// environment for both sticky actions and the game, and the episode bookkeeping of <see cref="IEnvironment"/>.
/// Create a game with <see cref="Create"/>.
/// </summary>
/// <remarks>
/// <para>The games are written from the rules published with MinAtar (Young and Tian 2019; summarized in the
/// project's RL notes), not from MinAtar's code, which is GPL-3.0. Each game's class documents the choices the
/// rules leave open.</para>
/// <para>Speed: a step allocates nothing; the state is a few small arrays and integers, and the observation is
/// cleared and the few active cells set (or whole planes written from row bit masks).</para>
/// </remarks>
public abstract class MinAtarEnvironment : IEnvironment
{
    /// <summary>The environment's random stream: sticky actions and every random event of the game.</summary>
    private protected FastRandom random;

    private readonly int[] actionMap;
    private readonly double stickyProbability;
    private readonly int observationSize;
    private int lastAction;
    private bool running;
    private bool everReset;

    private protected MinAtarEnvironment(MinAtarOptions options, string[] channelNames)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        stickyProbability = options.StickyActionProbability;
        actionMap = options.MinimalActions ? [.. MinAtarActions.Minimal(options.Game)] : [0, 1, 2, 3, 4, 5];
        Spec = new EnvironmentSpec
        {
            Name = "minatar:" + GameName(options.Game),
            ObservationShape = [channelNames.Length, GridPlanes.Size, GridPlanes.Size],
            ChannelNames = channelNames,
            ObservationMaximum = 1,
            ActionCount = actionMap.Length,
            ActionNames = actionMap.Select(a => MinAtarActions.Names[a]).ToArray(),
        };
        observationSize = Spec.ObservationSize;
        random = new FastRandom(0);
    }

    /// <summary>Creates the game <paramref name="options"/> names, seeded from 0 until a <see cref="Reset"/> with a seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (see <see cref="MinAtarOptions.Validate"/>).</exception>
    public static MinAtarEnvironment Create(MinAtarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Game switch
        {
            MinAtarGame.Breakout => new BreakoutEnvironment(options),
            MinAtarGame.Asterix => new AsterixEnvironment(options),
            MinAtarGame.Freeway => new FreewayEnvironment(options),
            MinAtarGame.Seaquest => new SeaquestEnvironment(options),
            MinAtarGame.SpaceInvaders => new SpaceInvadersEnvironment(options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Game, "Unknown MinAtar game."),
        };
    }

    /// <summary>The game's name as MinAtar spells it: breakout, asterix, freeway, seaquest, space_invaders.</summary>
    public static string GameName(MinAtarGame game) => game switch
    {
        MinAtarGame.Breakout => "breakout",
        MinAtarGame.Asterix => "asterix",
        MinAtarGame.Freeway => "freeway",
        MinAtarGame.Seaquest => "seaquest",
        MinAtarGame.SpaceInvaders => "space_invaders",
        _ => throw new ArgumentOutOfRangeException(nameof(game), game, "Unknown MinAtar game."),
    };

    /// <summary>The settings this game was created with.</summary>
    public MinAtarOptions Options { get; }

    /// <inheritdoc />
    public EnvironmentSpec Spec { get; }

    /// <summary>Always null: MinAtar games have no lives.</summary>
    public int? Lives => null;

    /// <summary>Steps taken in the current (or just finished) episode.</summary>
    public int EpisodeSteps { get; private set; }

    /// <summary>The action (in the full 6-action set) the last step took after sticky actions; noop after a reset.</summary>
    public int LastAction => lastAction;

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        CheckBuffer(observation);
        if (seed is long s) random.Reseed(s);
        lastAction = MinAtarActions.Noop;
        EpisodeSteps = 0;
        ResetGame();
        running = true;
        everReset = true;
        Render(observation);
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        if ((uint)action >= (uint)actionMap.Length)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"{Spec.Name} has {actionMap.Length} actions (0 to {actionMap.Length - 1}); got action {action}.");
        CheckBuffer(observation);
        if (!running)
            throw new InvalidOperationException(!everReset
                ? $"{Spec.Name}: call Reset before the first Step."
                : $"{Spec.Name}: the episode ended after {EpisodeSteps} steps; call Reset before stepping again.");
        int taken = actionMap[action];
        if (stickyProbability > 0 && random.NextDouble() < stickyProbability) taken = lastAction;
        lastAction = taken;
        float reward = Advance(taken, out bool terminal);
        EpisodeSteps++;
        if (terminal) running = false;
        Render(observation);
        return new StepResult(reward, terminal, false);
    }

    /// <summary>Starts a new episode's state (the random stream is already seeded).</summary>
    private protected abstract void ResetGame();

    /// <summary>Advances the game by one step under <paramref name="action"/> (full-set index, after sticky actions).</summary>
    /// <returns>The step's reward.</returns>
    private protected abstract float Advance(int action, out bool terminal);

    /// <summary>Writes the whole observation (every byte) for the current state.</summary>
    private protected abstract void Render(Span<byte> observation);

    private void CheckBuffer(Span<byte> observation)
    {
        if (observation.Length != observationSize)
            throw new ArgumentException($"{Spec.Name} writes observations of {Spec.ObservationSize} bytes ([{string.Join(", ", Spec.ObservationShape)}]); the buffer has {observation.Length}.", nameof(observation));
    }

    /// <inheritdoc />
    public void Dispose() => GC.SuppressFinalize(this);
}
