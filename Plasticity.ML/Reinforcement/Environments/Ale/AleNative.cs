using System.Runtime.InteropServices;
using System.Text;

namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// The entry points of one loaded shim (native/ale-shim/ale_c.h), as unmanaged function pointers bound with
/// <see cref="NativeLibrary.GetExport"/>, and the translation of its status codes into .NET exceptions.
/// </summary>
/// <remarks>
/// Function pointers instead of <c>DllImport</c>: the library's path is only known at run time (an option, an
/// environment variable), and several paths may be loaded in one process without a global import resolver.
/// </remarks>
internal sealed unsafe class AleNative
{
    // Status codes of ale_c.h.
    internal const int Ok = 0;
    internal const int InvalidArgument = 1;
    internal const int RomNotFound = 2;
    internal const int UnsupportedRom = 3;
    internal const int NoRom = 4;
    internal const int BufferSize = 5;

    public string Path { get; }

    public readonly delegate* unmanaged<int> AbiVersion;
    public readonly delegate* unmanaged<IntPtr> LastError;
    public readonly delegate* unmanaged<byte*, int, int*, int> AleVersion;
    public readonly delegate* unmanaged<int, int> SetLoggerMode;
    public readonly delegate* unmanaged<byte*, int*, byte*, int, int*, int> IsSupportedRom;
    public readonly delegate* unmanaged<IntPtr*, int> New;
    public readonly delegate* unmanaged<IntPtr, void> Delete;
    public readonly delegate* unmanaged<IntPtr, byte*, int, int> SetInt;
    public readonly delegate* unmanaged<IntPtr, byte*, float, int> SetFloat;
    public readonly delegate* unmanaged<IntPtr, byte*, int, int> SetBool;
    public readonly delegate* unmanaged<IntPtr, byte*, byte*, int> SetString;
    public readonly delegate* unmanaged<IntPtr, byte*, int*, int> GetInt;
    public readonly delegate* unmanaged<IntPtr, byte*, float*, int> GetFloat;
    public readonly delegate* unmanaged<IntPtr, byte*, int*, int> GetBool;
    public readonly delegate* unmanaged<IntPtr, byte*, byte*, int, int*, int> GetString;
    public readonly delegate* unmanaged<IntPtr, byte*, int> LoadRom;
    public readonly delegate* unmanaged<IntPtr, int, float, int*, int> Act;
    public readonly delegate* unmanaged<IntPtr, int, int*, int> GameOver;
    public readonly delegate* unmanaged<IntPtr, int*, int> GameTruncated;
    public readonly delegate* unmanaged<IntPtr, int> ResetGame;
    public readonly delegate* unmanaged<IntPtr, int*, int> Lives;
    public readonly delegate* unmanaged<IntPtr, int*, int> FrameNumber;
    public readonly delegate* unmanaged<IntPtr, int*, int> EpisodeFrameNumber;
    public readonly delegate* unmanaged<IntPtr, int*, int, int*, int> MinimalActionSet;
    public readonly delegate* unmanaged<IntPtr, int*, int, int*, int> LegalActionSet;
    public readonly delegate* unmanaged<IntPtr, int*, int, int*, int> AvailableModes;
    public readonly delegate* unmanaged<IntPtr, int, int> SetMode;
    public readonly delegate* unmanaged<IntPtr, int*, int, int*, int> AvailableDifficulties;
    public readonly delegate* unmanaged<IntPtr, int, int> SetDifficulty;
    public readonly delegate* unmanaged<IntPtr, int*, int> ScreenWidth;
    public readonly delegate* unmanaged<IntPtr, int*, int> ScreenHeight;
    public readonly delegate* unmanaged<IntPtr, byte*, nuint, int> ScreenGrayscale;
    public readonly delegate* unmanaged<IntPtr, byte*, nuint, int> ScreenRgb;
    public readonly delegate* unmanaged<IntPtr, int*, int> RamSize;
    public readonly delegate* unmanaged<IntPtr, byte*, nuint, int> Ram;
    public readonly delegate* unmanaged<IntPtr, int, IntPtr*, int> CloneState;
    public readonly delegate* unmanaged<IntPtr, IntPtr, int> RestoreState;
    public readonly delegate* unmanaged<IntPtr, void> DeleteState;

    private AleNative(IntPtr library, string path, string source)
    {
        Path = path;
        IntPtr Export(string name)
        {
            if (NativeLibrary.TryGetExport(library, name, out IntPtr address)) return address;
            throw new AleNotAvailableException(
                $"The Arcade Learning Environment is not available: '{path}' (from {source}) does not export {name}, so "
                + $"it is not Plasticity.ML's ALE shim (or an older build of it). " + AleLibrary.BuildInstructions);
        }
        AbiVersion = (delegate* unmanaged<int>)Export("ALE_abiVersion");
        int abi = AbiVersion();
        if (abi != AleLibrary.AbiVersion)
        {
            throw new AleNotAvailableException(
                $"The Arcade Learning Environment is not available: '{path}' (from {source}) speaks ale_c interface "
                + $"version {abi}, but this Plasticity.ML expects version {AleLibrary.AbiVersion}. Rebuild it from this "
                + "version's sources. " + AleLibrary.BuildInstructions);
        }
        LastError = (delegate* unmanaged<IntPtr>)Export("ALE_lastError");
        AleVersion = (delegate* unmanaged<byte*, int, int*, int>)Export("ALE_aleVersion");
        SetLoggerMode = (delegate* unmanaged<int, int>)Export("ALE_setLoggerMode");
        IsSupportedRom = (delegate* unmanaged<byte*, int*, byte*, int, int*, int>)Export("ALE_isSupportedROM");
        New = (delegate* unmanaged<IntPtr*, int>)Export("ALE_new");
        Delete = (delegate* unmanaged<IntPtr, void>)Export("ALE_del");
        SetInt = (delegate* unmanaged<IntPtr, byte*, int, int>)Export("ALE_setInt");
        SetFloat = (delegate* unmanaged<IntPtr, byte*, float, int>)Export("ALE_setFloat");
        SetBool = (delegate* unmanaged<IntPtr, byte*, int, int>)Export("ALE_setBool");
        SetString = (delegate* unmanaged<IntPtr, byte*, byte*, int>)Export("ALE_setString");
        GetInt = (delegate* unmanaged<IntPtr, byte*, int*, int>)Export("ALE_getInt");
        GetFloat = (delegate* unmanaged<IntPtr, byte*, float*, int>)Export("ALE_getFloat");
        GetBool = (delegate* unmanaged<IntPtr, byte*, int*, int>)Export("ALE_getBool");
        GetString = (delegate* unmanaged<IntPtr, byte*, byte*, int, int*, int>)Export("ALE_getString");
        LoadRom = (delegate* unmanaged<IntPtr, byte*, int>)Export("ALE_loadROM");
        Act = (delegate* unmanaged<IntPtr, int, float, int*, int>)Export("ALE_act");
        GameOver = (delegate* unmanaged<IntPtr, int, int*, int>)Export("ALE_game_over");
        GameTruncated = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_game_truncated");
        ResetGame = (delegate* unmanaged<IntPtr, int>)Export("ALE_reset_game");
        Lives = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_lives");
        FrameNumber = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_getFrameNumber");
        EpisodeFrameNumber = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_getEpisodeFrameNumber");
        MinimalActionSet = (delegate* unmanaged<IntPtr, int*, int, int*, int>)Export("ALE_getMinimalActionSet");
        LegalActionSet = (delegate* unmanaged<IntPtr, int*, int, int*, int>)Export("ALE_getLegalActionSet");
        AvailableModes = (delegate* unmanaged<IntPtr, int*, int, int*, int>)Export("ALE_getAvailableModes");
        SetMode = (delegate* unmanaged<IntPtr, int, int>)Export("ALE_setMode");
        AvailableDifficulties = (delegate* unmanaged<IntPtr, int*, int, int*, int>)Export("ALE_getAvailableDifficulties");
        SetDifficulty = (delegate* unmanaged<IntPtr, int, int>)Export("ALE_setDifficulty");
        ScreenWidth = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_getScreenWidth");
        ScreenHeight = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_getScreenHeight");
        ScreenGrayscale = (delegate* unmanaged<IntPtr, byte*, nuint, int>)Export("ALE_getScreenGrayscale");
        ScreenRgb = (delegate* unmanaged<IntPtr, byte*, nuint, int>)Export("ALE_getScreenRGB");
        RamSize = (delegate* unmanaged<IntPtr, int*, int>)Export("ALE_getRAMSize");
        Ram = (delegate* unmanaged<IntPtr, byte*, nuint, int>)Export("ALE_getRAM");
        CloneState = (delegate* unmanaged<IntPtr, int, IntPtr*, int>)Export("ALE_cloneState");
        RestoreState = (delegate* unmanaged<IntPtr, IntPtr, int>)Export("ALE_restoreState");
        DeleteState = (delegate* unmanaged<IntPtr, void>)Export("ALE_deleteState");
    }

    /// <summary>Binds every entry point of a loaded library; throws <see cref="AleNotAvailableException"/> if one is missing.</summary>
    public static AleNative Bind(IntPtr library, string path, string source) => new(library, path, source);

    /// <summary>The shim's message for the last failed call on this thread.</summary>
    public string LastErrorMessage()
    {
        IntPtr message = LastError();
        string text = message == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(message) ?? "";
        return text.Length == 0 ? "(no message)" : text;
    }

    /// <summary>
    /// Throws the .NET exception that matches a non-zero status: <see cref="ArgumentException"/> for bad arguments,
    /// unsupported ROMs and wrong buffer sizes, <see cref="FileNotFoundException"/> for a missing ROM,
    /// <see cref="InvalidOperationException"/> for calls without a ROM and for failures inside ALE.
    /// </summary>
    /// <param name="status">The shim's return value.</param>
    /// <param name="operation">What was attempted, for the message.</param>
    /// <param name="parameter">The .NET parameter the call's main argument came from, if any.</param>
    public void Check(int status, string operation, string? parameter = null)
    {
        if (status == Ok) return;
        string message = $"{operation}: {LastErrorMessage()}";
        throw status switch
        {
            InvalidArgument or UnsupportedRom or BufferSize => new ArgumentException(message, parameter),
            RomNotFound => new FileNotFoundException(message),
            NoRom => new InvalidOperationException(message),
            _ => new InvalidOperationException($"{message} (ale_c status {status})"),
        };
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="value"/>; a string holding NUL is rejected.</summary>
    public static byte[] Utf8(string value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Contains('\0')) throw new ArgumentException($"{parameter} must not contain a NUL character; got '{value.Replace("\0", "\\0")}'.", parameter);
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
