using System.Runtime.InteropServices;
using System.Text;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// One Arcade Learning Environment emulator (ALE's <c>ale::ALEInterface</c>) through our native shim: settings,
/// ROM loading, acting, screens, RAM and states, with ALE's own semantics and action numbers (0 = NOOP ..
/// 17 = DOWNLEFTFIRE, see <see cref="AleAction"/>). <see cref="AleEnvironment"/> builds the standard Atari
/// preprocessing on top of it; use this class directly for anything else.
/// </summary>
/// <remarks>
/// Every call is checked on both sides: bad arguments raise <see cref="ArgumentException"/> (naming the value),
/// a missing ROM file <see cref="FileNotFoundException"/>, a call that needs a ROM before one is loaded
/// <see cref="InvalidOperationException"/>; nothing crashes in native code. Not thread-safe: use one instance per
/// thread (different instances are independent).
/// </remarks>
public sealed unsafe class AleInterface : IDisposable
{
    private readonly AleNative _native;
    private readonly Handle _handle;

    private AleInterface(AleNative native)
    {
        _native = native;
        IntPtr pointer;
        _native.Check(_native.New(&pointer), "creating an ALE interface");
        _handle = new Handle(native, pointer);
    }

    /// <summary>
    /// Loads the shim (see <see cref="AleLibrary"/> for where it is looked for) and creates an emulator with ALE's
    /// default settings and no ROM.
    /// </summary>
    /// <param name="libraryPath">The shim's path (file or folder); null uses <see cref="AleLibrary.EnvironmentVariable"/>, then the app folder.</param>
    /// <param name="logLevel">ALE's log level for the whole process: 0 = info, 1 = warning (default), 2 = error.</param>
    /// <exception cref="AleNotAvailableException">The shim is missing or cannot be loaded.</exception>
    public static AleInterface Create(string? libraryPath = null, int logLevel = 1)
    {
        var native = AleLibrary.Load(libraryPath);
        if (logLevel is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(logLevel), logLevel, "ALE's log level is 0 (info), 1 (warning) or 2 (error).");
        native.Check(native.SetLoggerMode(logLevel), "setting ALE's log level", nameof(logLevel));
        return new AleInterface(native);
    }

    /// <summary>The version of the ALE inside the shim, such as "0.12.1".</summary>
    public string AleVersion
    {
        get
        {
            byte* buffer = stackalloc byte[64];
            int length;
            _native.Check(_native.AleVersion(buffer, 64, &length), "reading ALE's version");
            return Encoding.UTF8.GetString(buffer, length);
        }
    }

    /// <summary>
    /// The name ALE gives a ROM file (such as "tetris") when ALE supports it (its MD5 is one ALE knows), else null.
    /// </summary>
    /// <param name="romPath">The ROM file.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public string? SupportedRomName(string romPath)
    {
        byte[] path = AleNative.Utf8(romPath, nameof(romPath));
        byte* buffer = stackalloc byte[256];
        int supported, length;
        fixed (byte* p = path)
            _native.Check(_native.IsSupportedRom(p, &supported, buffer, 256, &length), $"checking ROM '{romPath}'", nameof(romPath));
        return supported == 0 ? null : Encoding.UTF8.GetString(buffer, length);
    }

    /// <summary>Sets an integer setting (such as "random_seed", "frame_skip", "max_num_frames_per_episode"); it takes effect at the next <see cref="LoadRom"/>.</summary>
    /// <param name="key">ALE's setting key.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is unknown or not an integer setting, or the value is out of range.</exception>
    public void SetInt(string key, int value)
    {
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.SetInt(Pointer, k, value), $"setting {key} = {value}", nameof(key));
    }

    /// <summary>Sets a float setting (such as "repeat_action_probability"); it takes effect at the next <see cref="LoadRom"/>.</summary>
    /// <param name="key">ALE's setting key.</param>
    /// <param name="value">The value (finite).</param>
    /// <exception cref="ArgumentException">The key is unknown or not a float setting, or the value is not finite or out of range.</exception>
    public void SetFloat(string key, float value)
    {
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.SetFloat(Pointer, k, value), $"setting {key} = {value}", nameof(key));
    }

    /// <summary>Sets a boolean setting (such as "truncate_on_loss_of_life"); it takes effect at the next <see cref="LoadRom"/>.</summary>
    /// <param name="key">ALE's setting key.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is unknown or not a boolean setting.</exception>
    public void SetBool(string key, bool value)
    {
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.SetBool(Pointer, k, value ? 1 : 0), $"setting {key} = {value}", nameof(key));
    }

    /// <summary>Sets a string setting; it takes effect at the next <see cref="LoadRom"/>.</summary>
    /// <param name="key">ALE's setting key.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The key is unknown or not a string setting.</exception>
    public void SetString(string key, string value)
    {
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
        fixed (byte* v = AleNative.Utf8(value, nameof(value)))
            _native.Check(_native.SetString(Pointer, k, v), $"setting {key} = '{value}'", nameof(key));
    }

    /// <summary>An integer setting (ALE answers -1 for an unknown key).</summary>
    /// <param name="key">ALE's setting key.</param>
    public int GetInt(string key)
    {
        int value;
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.GetInt(Pointer, k, &value), $"reading {key}", nameof(key));
        return value;
    }

    /// <summary>A float setting (ALE answers -1 for an unknown key).</summary>
    /// <param name="key">ALE's setting key.</param>
    public float GetFloat(string key)
    {
        float value;
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.GetFloat(Pointer, k, &value), $"reading {key}", nameof(key));
        return value;
    }

    /// <summary>A boolean setting (ALE answers false for an unknown key).</summary>
    /// <param name="key">ALE's setting key.</param>
    public bool GetBool(string key)
    {
        int value;
        fixed (byte* k = AleNative.Utf8(key, nameof(key)))
            _native.Check(_native.GetBool(Pointer, k, &value), $"reading {key}", nameof(key));
        return value != 0;
    }

    /// <summary>A string setting (ALE answers "" for an unknown key).</summary>
    /// <param name="key">ALE's setting key.</param>
    public string GetString(string key)
    {
        byte[] k = AleNative.Utf8(key, nameof(key));
        int length;
        fixed (byte* kp = k)
        {
            int status = _native.GetString(Pointer, kp, null, 0, &length);
            if (status != AleNative.BufferSize) _native.Check(status, $"reading {key}", nameof(key));
            byte[] buffer = new byte[length + 1];
            fixed (byte* b = buffer)
                _native.Check(_native.GetString(Pointer, kp, b, buffer.Length, &length), $"reading {key}", nameof(key));
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    /// <summary>
    /// Loads (or reloads) a ROM, applying the settings made so far, and resets the game. Reloading is how ALE
    /// re-seeds: set "random_seed", then load again.
    /// </summary>
    /// <param name="romPath">A ROM file ALE supports (its MD5 must be one ALE knows).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">The path is not a regular file, or not a ROM ALE supports.</exception>
    public void LoadRom(string romPath)
    {
        byte[] path = AleNative.Utf8(romPath, nameof(romPath));
        int status;
        fixed (byte* p = path) status = _native.LoadRom(Pointer, p);
        if (status == AleNative.RomNotFound)
            throw new FileNotFoundException($"ROM file '{romPath}' (romPath) does not exist.", romPath);
        _native.Check(status, $"loading ROM '{romPath}' (romPath)", nameof(romPath));
        HasRom = true;
    }

    /// <summary>True once a ROM is loaded.</summary>
    public bool HasRom { get; private set; }

    /// <summary>
    /// One emulator step (ALE's "frame_skip" frames, 1 by default) with an ALE action; returns its reward. ALE's
    /// sticky actions ("repeat_action_probability") apply per frame. After game over ALE ignores actions (reward 0).
    /// </summary>
    /// <param name="action">An ALE action, 0 (NOOP) .. 17 (DOWNLEFTFIRE).</param>
    /// <param name="paddleStrength">Paddle strength in [-1, 1] (paddle games only).</param>
    /// <exception cref="ArgumentOutOfRangeException">The action or strength is out of range.</exception>
    /// <exception cref="InvalidOperationException">No ROM is loaded.</exception>
    public int Act(int action, float paddleStrength = 1f)
    {
        if (action is < 0 or > 17)
            throw new ArgumentOutOfRangeException(nameof(action), action, "An ALE action is 0 (NOOP) .. 17 (DOWNLEFTFIRE).");
        if (!(paddleStrength >= -1f && paddleStrength <= 1f))
            throw new ArgumentOutOfRangeException(nameof(paddleStrength), paddleStrength, "The paddle strength must be in [-1, 1].");
        int reward;
        _native.Check(_native.Act(Pointer, action, paddleStrength, &reward), $"acting {action}", nameof(action));
        return reward;
    }

    /// <summary>
    /// <see cref="Act"/> without the managed range checks, so that tests can show the shim's own validation
    /// (ALE itself would exit the process on an action outside 0..17).
    /// </summary>
    internal int ActUnchecked(int action, float paddleStrength)
    {
        int reward;
        _native.Check(_native.Act(Pointer, action, paddleStrength, &reward), $"acting {action}", nameof(action));
        return reward;
    }

    /// <summary>Whether the game is over (with <paramref name="withTruncation"/>: or the episode was truncated).</summary>
    /// <param name="withTruncation">Also count a truncation (the frame limit, or a lost life with "truncate_on_loss_of_life").</param>
    public bool IsGameOver(bool withTruncation = true)
    {
        int over;
        _native.Check(_native.GameOver(Pointer, withTruncation ? 1 : 0, &over), "reading game over");
        return over != 0;
    }

    /// <summary>Whether the episode was truncated ("max_num_frames_per_episode" reached, or a lost life with "truncate_on_loss_of_life").</summary>
    public bool IsTruncated
    {
        get
        {
            int truncated;
            _native.Check(_native.GameTruncated(Pointer, &truncated), "reading truncation");
            return truncated != 0;
        }
    }

    /// <summary>Resets the game (not the whole system, and not the random generator).</summary>
    public void ResetGame() => _native.Check(_native.ResetGame(Pointer), "resetting the game");

    /// <summary>Lives left, as ALE's ROM settings report them (0 for games such as Tetris that do not count lives).</summary>
    public int Lives => ReadInt(_native.Lives, "reading lives");

    /// <summary>Frames emulated since the ROM was loaded.</summary>
    public int FrameNumber => ReadInt(_native.FrameNumber, "reading the frame number");

    /// <summary>Frames emulated since the current episode started.</summary>
    public int EpisodeFrameNumber => ReadInt(_native.EpisodeFrameNumber, "reading the episode frame number");

    /// <summary>The game's minimal action set (ALE action numbers, ascending).</summary>
    public int[] MinimalActionSet() => ReadList(_native.MinimalActionSet, "reading the minimal action set");

    /// <summary>The legal action set (all 18 ALE actions for ALE's supported games).</summary>
    public int[] LegalActionSet() => ReadList(_native.LegalActionSet, "reading the legal action set");

    /// <summary>The game modes the ROM offers.</summary>
    public int[] AvailableModes() => ReadList(_native.AvailableModes, "reading the available modes");

    /// <summary>The difficulty settings the ROM offers.</summary>
    public int[] AvailableDifficulties() => ReadList(_native.AvailableDifficulties, "reading the available difficulties");

    /// <summary>Selects a game mode; it takes effect at the next reset.</summary>
    /// <param name="mode">One of <see cref="AvailableModes"/>.</param>
    /// <exception cref="ArgumentException">The ROM has no such mode.</exception>
    public void SetMode(int mode) => _native.Check(_native.SetMode(Pointer, mode), $"setting mode {mode}", nameof(mode));

    /// <summary>Selects a difficulty; it takes effect at the next reset.</summary>
    /// <param name="difficulty">One of <see cref="AvailableDifficulties"/>.</param>
    /// <exception cref="ArgumentException">The ROM has no such difficulty.</exception>
    public void SetDifficulty(int difficulty) =>
        _native.Check(_native.SetDifficulty(Pointer, difficulty), $"setting difficulty {difficulty}", nameof(difficulty));

    /// <summary>Screen width in pixels (160).</summary>
    public int ScreenWidth => ReadInt(_native.ScreenWidth, "reading the screen width");

    /// <summary>Screen height in pixels (210).</summary>
    public int ScreenHeight => ReadInt(_native.ScreenHeight, "reading the screen height");

    /// <summary>Size of the console's RAM in bytes (128).</summary>
    public int RamSize => ReadInt(_native.RamSize, "reading the RAM size");

    /// <summary>Writes the current screen as grayscale (ALE's palette luminance), row-major, into <paramref name="destination"/>.</summary>
    /// <param name="destination">Exactly <see cref="ScreenHeight"/> x <see cref="ScreenWidth"/> bytes.</param>
    /// <exception cref="ArgumentException">The buffer has the wrong size.</exception>
    public void GetScreenGrayscale(Span<byte> destination)
    {
        fixed (byte* d = destination)
            _native.Check(_native.ScreenGrayscale(Pointer, d, (nuint)destination.Length), "reading the grayscale screen", nameof(destination));
    }

    /// <summary>Writes the current screen as RGB, row-major, interleaved R, G, B, into <paramref name="destination"/>.</summary>
    /// <param name="destination">Exactly <see cref="ScreenHeight"/> x <see cref="ScreenWidth"/> x 3 bytes.</param>
    /// <exception cref="ArgumentException">The buffer has the wrong size.</exception>
    public void GetScreenRgb(Span<byte> destination)
    {
        fixed (byte* d = destination)
            _native.Check(_native.ScreenRgb(Pointer, d, (nuint)destination.Length), "reading the RGB screen", nameof(destination));
    }

    /// <summary>Copies the console's RAM into <paramref name="destination"/>.</summary>
    /// <param name="destination">Exactly <see cref="RamSize"/> bytes.</param>
    /// <exception cref="ArgumentException">The buffer has the wrong size.</exception>
    public void GetRam(Span<byte> destination)
    {
        fixed (byte* d = destination)
            _native.Check(_native.Ram(Pointer, d, (nuint)destination.Length), "reading the RAM", nameof(destination));
    }

    /// <summary>Copies the emulator's state (for planning or rewinding); dispose the copy when done.</summary>
    /// <param name="includeRandomGenerator">Also copy the sticky-action generator, so that a restore replays the same randomness.</param>
    public AleState CloneState(bool includeRandomGenerator = false)
    {
        IntPtr state;
        _native.Check(_native.CloneState(Pointer, includeRandomGenerator ? 1 : 0, &state), "cloning the state");
        return new AleState(_native, state);
    }

    /// <summary>Restores a state cloned from an emulator running the same ROM.</summary>
    /// <param name="state">A state from <see cref="CloneState"/>, not disposed.</param>
    /// <exception cref="ArgumentException">The state comes from another ROM.</exception>
    /// <exception cref="ObjectDisposedException">The state was disposed.</exception>
    public void RestoreState(AleState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        bool added = false;
        state.Handle.DangerousAddRef(ref added);
        try
        {
            _native.Check(_native.RestoreState(Pointer, state.Handle.DangerousGetHandle()), "restoring the state", nameof(state));
        }
        finally
        {
            if (added) state.Handle.DangerousRelease();
        }
    }

    /// <summary>Frees the emulator.</summary>
    public void Dispose() => _handle.Dispose();

    private IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private int ReadInt(delegate* unmanaged<IntPtr, int*, int> read, string operation)
    {
        int value;
        _native.Check(read(Pointer, &value), operation);
        return value;
    }

    private int[] ReadList(delegate* unmanaged<IntPtr, int*, int, int*, int> read, string operation)
    {
        int count;
        int status = read(Pointer, null, 0, &count);
        if (status != AleNative.BufferSize) _native.Check(status, operation);
        int[] values = new int[count];
        fixed (int* v = values) _native.Check(read(Pointer, v, count, &count), operation);
        return values;
    }

    private sealed class Handle : SafeHandle
    {
        private readonly AleNative _native;

        public Handle(AleNative native, IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true)
        {
            _native = native;
            SetHandle(pointer);
        }

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            _native.Delete(handle);
            return true;
        }
    }
}
