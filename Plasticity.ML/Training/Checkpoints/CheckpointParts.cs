using System.Security.Cryptography;
using Plasticity.ML.Common;

namespace Plasticity.ML.Training.Checkpoints;

/// <summary>
/// The large byte arrays of a checkpoint (a replay's observation segments), kept as files beside it in
/// <c>FILE.parts/</c>, each named by the SHA-256 of its bytes. A segment that has not changed since the last checkpoint
/// already has its file, so a checkpoint writes only what changed: a 1M-transition ALE replay (7 GB) no longer rewrites
/// every byte at every interval. Both generations of a checkpoint (<see cref="Checkpoint.PreviousPath"/>) share one
/// folder; a part is deleted only when neither generation names it.
/// </summary>
/// <remarks>
/// Kill safety: each part is written atomically before the archive that names it is renamed into place, and parts are
/// collected only after that rename, so every generation on disk always finds its parts.
/// </remarks>
internal sealed class CheckpointParts
{
    /// <summary>Byte entries at least this long become parts (smaller ones, any MinAtar replay of 100k transitions
    /// included, stay inside the archive).</summary>
    public const int DefaultThreshold = 16 << 20;

    private readonly string folder;

    /// <summary>The parts of the checkpoint at <paramref name="checkpointPath"/> (either generation's path names the same folder).</summary>
    public CheckpointParts(string checkpointPath) => folder = FolderOf(checkpointPath);

    /// <summary>The folder beside a checkpoint that holds its parts: <c>FILE.parts</c>, for <c>FILE</c> and <c>FILE.previous</c> alike.</summary>
    public static string FolderOf(string checkpointPath)
    {
        string full = Path.GetFullPath(checkpointPath);
        if (full.EndsWith(Checkpoint.PreviousSuffix, StringComparison.Ordinal)) full = full[..^Checkpoint.PreviousSuffix.Length];
        return full + ".parts";
    }

    /// <summary>True when the folder exists (a checkpoint of small state has none).</summary>
    public bool Exists => Directory.Exists(folder);

    /// <summary>The name a part of <paramref name="bytes"/> has: their SHA-256, in hexadecimal.</summary>
    public static string NameOf(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>
    /// The name of the part that holds <paramref name="bytes"/>, writing it first unless a part of that content is already
    /// there (a part's name is its content's SHA-256, and its length is checked too).
    /// </summary>
    /// <param name="bytes">The part's content.</param>
    /// <param name="knownName">The content's <see cref="NameOf"/> when its owner already knows it (a replay segment not
    /// written since it was last named), so gigabytes that did not change are not hashed again; null to hash them.</param>
    public string Store(ReadOnlyMemory<byte> bytes, string? knownName = null)
    {
        string name = knownName ?? NameOf(bytes.Span);
        string path = Path.Combine(folder, name);
        var existing = new FileInfo(path);
        if (existing.Exists && existing.Length == bytes.Length) return name;
        AtomicFile.Write(path, stream => stream.Write(bytes.Span));
        return name;
    }

    /// <summary>Reads part <paramref name="name"/>, which must hold <paramref name="length"/> bytes of that SHA-256.</summary>
    /// <exception cref="InvalidDataException">The part is missing, has another length, or its bytes do not match its name.</exception>
    public byte[] Read(string name, int length)
    {
        if (name.Length != 64 || !name.All(Uri.IsHexDigit)) throw new InvalidDataException($"'{name}' is not the name of a checkpoint part.");
        string path = Path.Combine(folder, name);
        var file = new FileInfo(path);
        if (!file.Exists) throw new InvalidDataException($"its part {path} is missing; a checkpoint is its file and the folder {folder} beside it, so copy both");
        if (file.Length != length) throw new InvalidDataException($"its part {path} holds {file.Length:N0} bytes, not {length:N0}");
        var bytes = new byte[length];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20))
            stream.ReadExactly(bytes);
        if (NameOf(bytes) != name) throw new InvalidDataException($"its part {path} does not match its checksum");
        return bytes;
    }

    /// <summary>Deletes every file of the folder that <paramref name="keep"/> does not name (parts of older generations,
    /// temporary files of writes a killed process left), and the folder when nothing is kept.</summary>
    public void Collect(IReadOnlySet<string> keep)
    {
        if (!Exists) return;
        foreach (var file in Directory.EnumerateFiles(folder))
            if (!keep.Contains(Path.GetFileName(file))) File.Delete(file);
        if (keep.Count == 0 && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    /// <summary>Deletes the folder and everything in it.</summary>
    public void DeleteAll()
    {
        if (Exists) Directory.Delete(folder, recursive: true);
    }
}
