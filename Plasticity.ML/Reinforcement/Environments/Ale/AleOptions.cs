namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// Settings of an <see cref="AleEnvironment"/>: the standard Atari preprocessing (Mnih et al. 2015; Machado et al.
/// 2018), each step of which can be switched or sized here. The defaults are the usual ones: sticky actions 0.25,
/// frame skip 4 with a max over the last two frames, 84x84 grayscale, a stack of 4 frames, up to 30 no-op starts,
/// the minimal action set, episodes cut at 108,000 frames; no episodic life. Reward clipping is not an option of
/// the environment (evaluation must see raw rewards): wrap a training environment in
/// <see cref="RewardClippingEnvironment"/>.
/// </summary>
public sealed record AleOptions
{
    /// <summary>
    /// Path of the native shim (the file <c>libale_c.so</c> or its folder); null looks at the environment variable
    /// <see cref="AleLibrary.EnvironmentVariable"/>, then the application folder.
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>ALE's sticky actions ("repeat_action_probability"): each emulated frame repeats the previous frame's action with this probability. 0 turns them off.</summary>
    public float RepeatActionProbability { get; init; } = 0.25f;

    /// <summary>Emulated frames per agent step; the action is repeated and the rewards summed.</summary>
    public int FrameSkip { get; init; } = 4;

    /// <summary>The observed frame is the pixel-wise maximum of the last two emulated frames of a step (when the step emulated at least two).</summary>
    public bool MaxPoolLastTwoFrames { get; init; } = true;

    /// <summary>Rows of the observed frame (area-averaged from ALE's 210); at most 210.</summary>
    public int ObservationHeight { get; init; } = 84;

    /// <summary>Columns of the observed frame (area-averaged from ALE's 160); at most 160.</summary>
    public int ObservationWidth { get; init; } = 84;

    /// <summary>Frames stacked into one observation (channels "frame-0", oldest, .. "frame-(n-1)", newest).</summary>
    public int StackedFrames { get; init; } = 4;

    /// <summary>
    /// A new game starts with a uniform number in 1..NoopMax of emulated NOOP frames (0: none), drawn from the
    /// environment's seeded stream, so that episodes do not all start in the same state.
    /// </summary>
    public int NoopMax { get; init; } = 30;

    /// <summary>
    /// Training only: a lost life ends the episode (<see cref="StepResult.Terminated"/>) while the game goes on; the
    /// next <c>Reset(null)</c> continues the same game from there (one NOOP step, no no-op starts) until the game
    /// is really over. <c>Reset</c> with a seed always starts a new game. No effect in games without lives (Tetris).
    /// </summary>
    public bool EpisodicLife { get; init; }

    /// <summary>Use all 18 ALE actions instead of the game's minimal action set.</summary>
    public bool FullActionSpace { get; init; }

    /// <summary>ALE's "max_num_frames_per_episode": an episode is truncated (<see cref="StepResult.Truncated"/>) after this many emulated frames, no-op starts included; 0 = no limit.</summary>
    public int MaxEpisodeFrames { get; init; } = 108_000;

    /// <summary>A game mode (one of the ROM's available modes), or null for the ROM's default.</summary>
    public int? Mode { get; init; }

    /// <summary>A difficulty (one of the ROM's available difficulties), or null for the ROM's default.</summary>
    public int? Difficulty { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field and its value.</summary>
    public void Validate()
    {
        if (!(RepeatActionProbability >= 0f && RepeatActionProbability <= 1f))
            throw new ArgumentException($"AleOptions.{nameof(RepeatActionProbability)} must be in [0, 1]; got {RepeatActionProbability}.");
        if (FrameSkip is < 1 or > 1000)
            throw new ArgumentException($"AleOptions.{nameof(FrameSkip)} must be in 1..1000; got {FrameSkip}.");
        if (ObservationHeight is < 1 or > 210)
            throw new ArgumentException($"AleOptions.{nameof(ObservationHeight)} must be in 1..210 (ALE's screen height); got {ObservationHeight}.");
        if (ObservationWidth is < 1 or > 160)
            throw new ArgumentException($"AleOptions.{nameof(ObservationWidth)} must be in 1..160 (ALE's screen width); got {ObservationWidth}.");
        if (StackedFrames is < 1 or > 64)
            throw new ArgumentException($"AleOptions.{nameof(StackedFrames)} must be in 1..64; got {StackedFrames}.");
        if (NoopMax < 0)
            throw new ArgumentException($"AleOptions.{nameof(NoopMax)} must be non-negative; got {NoopMax}.");
        if (MaxEpisodeFrames < 0 || (MaxEpisodeFrames > 0 && MaxEpisodeFrames <= NoopMax))
            throw new ArgumentException(
                $"AleOptions.{nameof(MaxEpisodeFrames)} must be 0 (no limit) or larger than {nameof(NoopMax)} ({NoopMax}); got {MaxEpisodeFrames}.");
        if (Mode is < 0)
            throw new ArgumentException($"AleOptions.{nameof(Mode)} must be null or non-negative; got {Mode}.");
        if (Difficulty is < 0)
            throw new ArgumentException($"AleOptions.{nameof(Difficulty)} must be null or non-negative; got {Difficulty}.");
    }
}
