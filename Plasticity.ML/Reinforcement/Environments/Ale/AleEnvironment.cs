using Plasticity.ML.Common;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// An Atari 2600 game from the Arcade Learning Environment as an <see cref="IEnvironment"/>, with the standard
/// preprocessing of <see cref="AleOptions"/>: sticky actions (ALE's own, per emulated frame), frame skip with a
/// max over the last two frames (<see cref="FrameMaxPool"/>), grayscale area-averaged to 84x84
/// (<see cref="AreaResize"/>), a stack of frames (<see cref="FrameStack"/>), no-op starts, optional episodic life.
/// Observations are <c>[StackedFrames, ObservationHeight, ObservationWidth]</c> bytes in 0..255.
/// </summary>
/// <remarks>
/// <para>ALE is optional at run time: it is reached through our native shim (native/ale-shim), which users build
/// themselves; <see cref="Create"/> throws one <see cref="AleNotAvailableException"/> saying how when it is missing.</para>
/// <para>Seeding: the environment is seeded from 0 at creation. <c>Reset(seed)</c> derives two streams from the
/// seed with <see cref="SeedSequence"/>: ALE's "random_seed" (sticky actions; applied by reloading the ROM, which
/// is how ALE re-seeds) and the no-op-start count. <c>Reset(null)</c> resets the game and continues both streams.
/// The same seed and actions give the same observations and rewards, in any process.</para>
/// <para>Rewards are ALE's raw game score differences summed over the skipped frames; clip them for training with
/// <see cref="RewardClippingEnvironment"/>. An episode ends with <see cref="StepResult.Terminated"/> when the
/// game is over (or, with <see cref="AleOptions.EpisodicLife"/>, a life is lost) and with
/// <see cref="StepResult.Truncated"/> at <see cref="AleOptions.MaxEpisodeFrames"/>.</para>
/// </remarks>
public sealed class AleEnvironment : IEnvironment
{
    private readonly AleInterface _ale;
    private readonly int[] _actions;
    private readonly AreaResize _resize;
    private readonly FrameStack _stack;
    private byte[] _previousScreen;
    private byte[] _lastScreen;
    private readonly byte[] _pooledScreen;
    private readonly byte[] _frame;
    private Random _noopRandom = new(0);
    private bool _freshlyLoaded;
    private bool _running;
    private readonly EpisodicLife _episodicLife = new();
    private bool _disposed;

    private AleEnvironment(AleInterface ale, string romPath, string romName, AleOptions options)
    {
        _ale = ale;
        RomPath = romPath;
        RomName = romName;
        Options = options;
        _actions = options.FullActionSpace ? ale.LegalActionSet() : ale.MinimalActionSet();
        int height = ale.ScreenHeight, width = ale.ScreenWidth;
        _resize = new AreaResize(height, width, options.ObservationHeight, options.ObservationWidth);
        _stack = new FrameStack(options.StackedFrames, options.ObservationHeight * options.ObservationWidth);
        _previousScreen = new byte[height * width];
        _lastScreen = new byte[height * width];
        _pooledScreen = new byte[height * width];
        _frame = new byte[options.ObservationHeight * options.ObservationWidth];
        Actions = [.. _actions.Select(a => (AleAction)a)];
        Spec = new EnvironmentSpec
        {
            Name = "ale:" + romName,
            ObservationShape = [options.StackedFrames, options.ObservationHeight, options.ObservationWidth],
            ChannelNames = [.. Enumerable.Range(0, options.StackedFrames).Select(i => $"frame-{i}")],
            ObservationMaximum = 255,
            StackedFrames = options.StackedFrames,
            ActionCount = _actions.Length,
            ActionNames = [.. Actions.Select(a => a.ToString().ToLowerInvariant())],
        };
    }

    /// <summary>
    /// Loads the shim and the ROM and returns the environment, seeded from 0 (call <see cref="Reset"/> to start).
    /// </summary>
    /// <param name="romPath">An Atari 2600 ROM that ALE supports (its MD5 must be one ALE knows), such as Tetris.</param>
    /// <param name="options">The preprocessing; null for the defaults.</param>
    /// <exception cref="AleNotAvailableException">The native shim is missing or cannot be loaded (the message says how to build it).</exception>
    /// <exception cref="ArgumentException">An option is invalid, the ROM path is empty, a folder, or not a ROM ALE supports.</exception>
    /// <exception cref="FileNotFoundException">The ROM file does not exist.</exception>
    public static AleEnvironment Create(string romPath, AleOptions? options = null)
    {
        options ??= new AleOptions();
        options.Validate();
        if (string.IsNullOrWhiteSpace(romPath))
            throw new ArgumentException($"romPath must name an Atari 2600 ROM file; got '{romPath}'.", nameof(romPath));
        var ale = AleInterface.Create(options.LibraryPath);
        try
        {
            string fullPath = Path.GetFullPath(romPath);
            if (Directory.Exists(fullPath))
                throw new ArgumentException($"romPath '{romPath}' is a folder, not a ROM file.", nameof(romPath));
            if (!File.Exists(fullPath))
                throw new FileNotFoundException($"ROM file '{romPath}' (romPath) does not exist.", fullPath);
            string romName = ale.SupportedRomName(fullPath)
                ?? throw new ArgumentException(
                    $"romPath '{romPath}' is not a ROM the Arcade Learning Environment supports (ALE {ale.AleVersion} "
                    + "recognizes ROMs by their MD5; check the file is the right dump of the game).", nameof(romPath));
            ale.SetFloat("repeat_action_probability", options.RepeatActionProbability);
            // Frame skip is ours (it must see the last two frames for the max); ALE emulates one frame per act.
            ale.SetInt("frame_skip", 1);
            ale.SetInt("max_num_frames_per_episode", options.MaxEpisodeFrames);
            ale.SetBool("color_averaging", false);
            ale.SetInt("random_seed", AleSeed(0));
            ale.LoadRom(fullPath);
            var environment = new AleEnvironment(ale, fullPath, romName, options);
            environment.Reseed(0, reload: false);
            return environment;
        }
        catch
        {
            ale.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public EnvironmentSpec Spec { get; }

    /// <summary>The options the environment was created with.</summary>
    public AleOptions Options { get; }

    /// <summary>The ROM's full path.</summary>
    public string RomPath { get; }

    /// <summary>ALE's name of the game, such as "tetris".</summary>
    public string RomName { get; }

    /// <summary>The ALE action behind each action index (the minimal set, ascending, unless <see cref="AleOptions.FullActionSpace"/>).</summary>
    public IReadOnlyList<AleAction> Actions { get; }

    /// <summary>ALE's lives for games that count them; null when ALE reports 0 lives (games such as Tetris).</summary>
    public int? Lives
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int lives = _ale.Lives;
            return lives > 0 ? lives : null;
        }
    }

    /// <summary>Emulated frames since the current game started (no-op starts included).</summary>
    public int EpisodeFrameNumber
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _ale.EpisodeFrameNumber;
        }
    }

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckObservation(observation);
        if (seed is long s) Reseed(s);
        bool continueGame = Options.EpisodicLife && _episodicLife.ContinuesGame(seed, _ale.IsGameOver());
        if (continueGame)
        {
            // Episodic life: the game goes on after a lost life; one NOOP step moves past the lost-life frame.
            RunFrames((int)AleAction.Noop);
            if (_ale.IsGameOver()) continueGame = false;
        }
        if (!continueGame)
        {
            if (!_freshlyLoaded) _ale.ResetGame();
            _freshlyLoaded = false;
            StartWithNoops();
        }
        _resize.Apply(_pooledScreen, _frame);
        _stack.Fill(_frame);
        _stack.CopyTo(observation);
        _episodicLife.Begin(_ale.Lives);
        _running = true;
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)action >= (uint)_actions.Length)
            throw new ArgumentOutOfRangeException(nameof(action), action,
                $"{Spec.Name} has {_actions.Length} actions ({string.Join(", ", Spec.ActionNames)}): an action is an index in [0, {_actions.Length}).");
        CheckObservation(observation);
        if (!_running)
            throw new InvalidOperationException(
                $"{Spec.Name}: no episode is running (Step was called before Reset, or after a step that reported terminated or truncated); call Reset first.");
        int reward = RunFrames(_actions[action]);
        _resize.Apply(_pooledScreen, _frame);
        _stack.Push(_frame);
        _stack.CopyTo(observation);
        bool terminated = _ale.IsGameOver(withTruncation: false);
        bool truncated = !terminated && _ale.IsTruncated;
        if (_episodicLife.EndsEpisode(_ale.Lives, terminated || truncated) && Options.EpisodicLife) terminated = true;
        _running = !(terminated || truncated);
        return new StepResult(reward, terminated, truncated);
    }

    /// <summary>Frees the emulator.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _ale.Dispose();
    }

    /// <summary>ALE's seed for a seed of ours: a derived stream, non-negative as ALE requires.</summary>
    internal static int AleSeed(long seed) => (int)(SeedSequence.Derive(seed, "ale-random-seed") & 0x7FFF_FFFF);

    /// <summary>Re-seeds ALE (by reloading the ROM, unless it was just loaded with this seed) and the no-op stream.</summary>
    private void Reseed(long seed, bool reload = true)
    {
        if (reload)
        {
            _ale.SetInt("random_seed", AleSeed(seed));
            _ale.LoadRom(RomPath);
        }
        if (Options.Mode is int mode) _ale.SetMode(mode);
        if (Options.Difficulty is int difficulty) _ale.SetDifficulty(difficulty);
        // A mode or difficulty takes effect at a reset; without them the freshly loaded game is the first episode.
        if (Options.Mode is not null || Options.Difficulty is not null) _ale.ResetGame();
        _noopRandom = SeedSequence.CreateRandom(seed, "ale-noop-starts");
        _freshlyLoaded = true;
        _running = false;
        _episodicLife.Begin(0);
    }

    private void StartWithNoops()
    {
        int noops = Options.NoopMax > 0 ? _noopRandom.Next(1, Options.NoopMax + 1) : 0;
        for (int i = 0; i < noops; i++)
        {
            _ale.Act((int)AleAction.Noop);
            if (_ale.IsGameOver()) _ale.ResetGame();
        }
        _ale.GetScreenGrayscale(_pooledScreen);
    }

    /// <summary>
    /// Emulates <see cref="AleOptions.FrameSkip"/> frames of one ALE action (fewer if the game ends) and leaves the
    /// observed screen in <c>_pooledScreen</c>: the max of the last two frames, or the last frame alone.
    /// </summary>
    private int RunFrames(int aleAction)
    {
        int skip = Options.FrameSkip, reward = 0, read = 0;
        for (int i = 0; i < skip; i++)
        {
            reward += _ale.Act(aleAction);
            bool over = _ale.IsGameOver();
            if (i >= skip - 2 || over)
            {
                if (read > 0) (_previousScreen, _lastScreen) = (_lastScreen, _previousScreen);
                _ale.GetScreenGrayscale(_lastScreen);
                read++;
            }
            if (over) break;
        }
        if (read >= 2 && Options.MaxPoolLastTwoFrames) FrameMaxPool.Max(_previousScreen, _lastScreen, _pooledScreen);
        else _lastScreen.AsSpan().CopyTo(_pooledScreen);
        return reward;
    }

    private void CheckObservation(Span<byte> observation)
    {
        if (observation.Length != Spec.ObservationSize)
            throw new ArgumentException(
                $"observation has {observation.Length} bytes; {Spec.Name} writes [{string.Join(", ", Spec.ObservationShape)}] = {Spec.ObservationSize} bytes.",
                nameof(observation));
    }
}
