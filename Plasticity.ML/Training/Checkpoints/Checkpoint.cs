using System.IO.Compression;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.ML.Training.Checkpoints;

/// <summary>
/// A snapshot of a run that can resume it: a JSON description (what produced it, where the run was) plus named
/// <see cref="StateBag"/>s (network, optimizer, hooks, random streams, counters). On disk it is a ZIP archive with a
/// SHA-256 of every entry (so damaged bytes are caught, not resumed from), written atomically; the previous snapshot is
/// kept beside it as <c>FILE.previous</c>, so a damaged latest file still leaves a good one to resume from. Byte arrays
/// of 16 MiB and more (a replay's observation segments) are kept as part files in the folder <c>FILE.parts</c> beside it,
/// named by their SHA-256, so a checkpoint rewrites only the parts that changed since the last one
/// (<see cref="CheckpointParts"/>): a checkpoint is its file and that folder.
/// </summary>
public sealed class Checkpoint
{
    private const string DescriptionEntry = "checkpoint.json";
    private const string BagFolder = "state/";
    private const string ChecksumEntry = "sha256.txt";
    private const string PartsEntry = "parts.txt";
    private readonly Dictionary<string, StateBag> bags = new(StringComparer.Ordinal);

    /// <summary>Creates a checkpoint with a JSON description of where the run is.</summary>
    public Checkpoint(string description) => Description = description ?? throw new ArgumentNullException(nameof(description));

    /// <summary>The JSON description (format chosen by the learner that writes it).</summary>
    public string Description { get; }

    /// <summary>Byte entries at least this long are kept as part files (tests lower it to exercise them on small state).</summary>
    internal int PartThreshold { get; init; } = CheckpointParts.DefaultThreshold;

    /// <summary>The bags, by name.</summary>
    public IReadOnlyDictionary<string, StateBag> Bags => bags;

    /// <summary>Adds (or replaces) a new, empty bag and returns it.</summary>
    public StateBag Add(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var bag = new StateBag(name);
        bags[name] = bag;
        return bag;
    }

    /// <summary>The bag of that name; throws <see cref="InvalidDataException"/> naming it when missing.</summary>
    public StateBag Bag(string name) =>
        bags.TryGetValue(name, out var bag) ? bag : throw new InvalidDataException($"The checkpoint has no state for '{name}'.");

    /// <summary>The previous generation's path for a checkpoint at <paramref name="path"/>.</summary>
    public static string PreviousPath(string path) => path + PreviousSuffix;

    /// <summary>What <see cref="PreviousPath"/> appends.</summary>
    internal const string PreviousSuffix = ".previous";

    /// <summary>
    /// Writes the checkpoint to <paramref name="path"/> atomically (parts first, then a temporary file, flush, rename);
    /// the file that was there becomes <see cref="PreviousPath"/>, and parts that neither generation names are deleted.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string staged = full + ".staged";
        var parts = new CheckpointParts(full);
        var named = new SortedSet<string>(StringComparer.Ordinal);
        string StorePart(ReadOnlyMemory<byte> bytes, string? knownName)
        {
            string name = parts.Store(bytes, knownName);
            named.Add(name);
            return name;
        }
        AtomicFile.Write(staged, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            var checksums = new StringBuilder();
            void Add(string entryName, CompressionLevel level, Action<Stream> write)
            {
                // Each entry streams in, checksummed on the way: a replay's bag can be gigabytes, more than one array holds.
                using var entry = new HashingStream(archive.CreateEntry(entryName, level).Open());
                write(entry);
                checksums.Append(entry.Checksum()).Append(' ').Append(entryName).Append('\n');
            }
            Add(DescriptionEntry, CompressionLevel.Fastest, entry => entry.Write(Encoding.UTF8.GetBytes(Description)));
            // Weights and moments barely compress; storing them keeps checkpoints fast.
            foreach (var (name, bag) in bags) Add(BagFolder + name, CompressionLevel.NoCompression, entry => bag.WriteTo(entry, StorePart, PartThreshold));
            Add(PartsEntry, CompressionLevel.Fastest, entry => entry.Write(Encoding.UTF8.GetBytes(string.Join('\n', named))));
            using (var entry = archive.CreateEntry(ChecksumEntry, CompressionLevel.Fastest).Open())
                entry.Write(Encoding.UTF8.GetBytes(checksums.ToString()));
        });
        // Two renames, each atomic: at every moment a complete checkpoint exists under one of the two names.
        if (File.Exists(full)) File.Move(full, PreviousPath(full), overwrite: true);
        File.Move(staged, full, overwrite: true);
        // Only now may parts go: the previous generation still names its own.
        if (parts.Exists)
        {
            named.UnionWith(PartsOf(PreviousPath(full)));
            parts.Collect(named);
        }
    }

    /// <summary>Reads a checkpoint; throws <see cref="InvalidDataException"/> naming the file when it is damaged or truncated.</summary>
    /// <remarks>Every bag is read into memory. A run restoring from it holds its state twice for a moment, the bags and
    /// its own copy, except where it adopts the bags' arrays: an agent's resume takes over its replay's observations.</remarks>
    public static Checkpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var checksums = Checksums(archive);
            var checkpoint = new Checkpoint(Encoding.UTF8.GetString(Verified(archive, checksums, DescriptionEntry)));
            var parts = new CheckpointParts(path);
            foreach (var entryName in checksums.Keys.Where(e => e.StartsWith(BagFolder, StringComparison.Ordinal)))
            {
                string name = entryName[BagFolder.Length..];
                checkpoint.bags[name] = ReadBag(archive, checksums, entryName, name, parts);
            }
            return checkpoint;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or (IOException and not FileNotFoundException))
        {
            throw new InvalidDataException($"The checkpoint {path} is damaged or truncated ({e.Message}).", e);
        }
    }

    /// <summary>
    /// The JSON description of the newest readable checkpoint at <paramref name="path"/> (the latest generation, or the
    /// previous one when the latest is damaged), checked against its checksum, without reading the state; null when
    /// neither generation can be read. Cheap enough to ask while the run that writes the file goes on (each generation is
    /// renamed into place whole).
    /// </summary>
    public static string? ReadDescription(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        foreach (var candidate in new[] { path, PreviousPath(path) })
        {
            if (!File.Exists(candidate)) continue;
            try
            {
                using var archive = ZipFile.OpenRead(candidate);
                return Encoding.UTF8.GetString(Verified(archive, Checksums(archive), DescriptionEntry));
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or (IOException and not FileNotFoundException))
            {
                // Damaged, or replaced between the check and the read: try the other generation.
            }
        }
        return null;
    }

    /// <summary>
    /// The newest readable checkpoint at <paramref name="path"/>: the latest, or the previous generation when the
    /// latest is damaged (<paramref name="warn"/> hears which file was damaged and why), or null when neither exists
    /// or both are damaged (warned too).
    /// </summary>
    public static Checkpoint? LoadNewest(string path, Action<string>? warn)
    {
        foreach (var candidate in new[] { path, PreviousPath(path) })
        {
            if (!File.Exists(candidate)) continue;
            try
            {
                return Load(candidate);
            }
            catch (InvalidDataException e)
            {
                warn?.Invoke(e.Message);
            }
        }
        return null;
    }

    /// <summary>
    /// Deletes the checkpoint files at <paramref name="path"/>: both generations, their parts, and the temporary files of
    /// writes that a killed process left half done.
    /// </summary>
    public static void Delete(string path)
    {
        string full = Path.GetFullPath(path);
        foreach (var candidate in new[] { full, PreviousPath(full), full + ".staged" })
            if (File.Exists(candidate)) File.Delete(candidate);
        new CheckpointParts(full).DeleteAll();
        // AtomicFile writes ".<name>.<guid>.tmp" beside its target; a SIGKILL mid-write leaves it behind.
        string? directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory)) return;
        string name = Path.GetFileName(full);
        foreach (var orphan in Directory.EnumerateFiles(directory, $".{name}.*.tmp").Concat(Directory.EnumerateFiles(directory, $".{name}.staged.*.tmp")).Distinct())
            File.Delete(orphan);
    }

    /// <summary>The SHA-256 of every entry, by entry name, as the archive lists them.</summary>
    private static Dictionary<string, string> Checksums(ZipArchive archive)
    {
        var list = archive.GetEntry(ChecksumEntry) ?? throw new InvalidDataException($"it has no {ChecksumEntry}");
        return Encoding.UTF8.GetString(Read(list)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2)).ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);
    }

    /// <summary>The bytes of an entry, checked against its listed checksum.</summary>
    private static byte[] Verified(ZipArchive archive, Dictionary<string, string> checksums, string entryName) =>
        ReadVerified(archive, checksums, entryName, (stream, length) => ReadExactly(stream, length, entryName));

    /// <summary>A bag, read as its entry streams out of the archive (a replay's bag can be gigabytes), its large arrays from
    /// <paramref name="parts"/>.</summary>
    private static StateBag ReadBag(ZipArchive archive, Dictionary<string, string> checksums, string entryName, string name, CheckpointParts parts) =>
        ReadVerified(archive, checksums, entryName, (stream, length) => StateBag.ReadFrom(stream, name, length, parts.Read));

    /// <summary>The parts a checkpoint file names; none when it is missing or cannot be read (its parts are then of no use).</summary>
    private static IEnumerable<string> PartsOf(string path)
    {
        if (!File.Exists(path)) return [];
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var checksums = Checksums(archive);
            // A checkpoint written before parts existed lists none.
            if (!checksums.ContainsKey(PartsEntry)) return [];
            return Encoding.UTF8.GetString(Verified(archive, checksums, PartsEntry)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or (IOException and not FileNotFoundException))
        {
            return [];
        }
    }

    /// <summary>
    /// Reads an entry with <paramref name="read"/> (given the entry's stream and listed length), checksummed on the way:
    /// one pass, no copy of the entry's bytes. Bytes the reader does not use still count toward the checksum, and an
    /// entry the reader refuses is reported as a checksum mismatch when the checksum shows damage.
    /// </summary>
    private static T ReadVerified<T>(ZipArchive archive, Dictionary<string, string> checksums, string entryName, Func<Stream, long, T> read)
        where T : class
    {
        var entry = archive.GetEntry(entryName) ?? throw new InvalidDataException($"it has no entry {entryName}");
        using var stream = new HashingStream(entry.Open());
        T? value = null;
        InvalidDataException? unreadable = null;
        try
        {
            value = read(stream, entry.Length);
        }
        catch (InvalidDataException e)
        {
            unreadable = e;
        }
        stream.CopyTo(Stream.Null);
        if (!checksums.TryGetValue(entryName, out var expected) || stream.Checksum() != expected)
            throw new InvalidDataException($"entry {entryName} does not match its checksum", unreadable);
        if (stream.Passed != entry.Length) throw new InvalidDataException($"entry {entryName} holds {stream.Passed:N0} of its {entry.Length:N0} bytes");
        return value ?? throw unreadable!;
    }

    /// <summary>An entry's bytes (the checksum list, which is not itself checksummed).</summary>
    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        return ReadExactly(stream, entry.Length, entry.FullName);
    }

    /// <summary>The <paramref name="length"/> bytes an entry lists, read straight into an array of that length; a
    /// shorter entry is damage (<see cref="EndOfStreamException"/>).</summary>
    private static byte[] ReadExactly(Stream stream, long length, string entryName)
    {
        if (length > Array.MaxLength) throw new InvalidDataException($"entry {entryName} lists {length:N0} bytes, more than one array holds");
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
