using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// Where a trial reads its windows: a reference, never the data itself, so that a trial spec stays small and any
/// process (a local worker, an Orleans silo) can load the same windows. Either <see cref="EmbeddedLocation"/>, a
/// drifting stream rebuilt in every process from the library's embedded images (<see cref="Drift"/>; nothing to
/// share), or the path (or <c>file://</c> URI) of a window-stream file (<see cref="WindowStreamFile"/>) that every
/// process must be able to read, e.g. on a shared folder; its SHA-256 (<see cref="Sha256"/>) makes a process that sees
/// other bytes under that path fail clearly instead of training on other data. Searches never download data: other
/// URI schemes are refused.
/// </summary>
public sealed record StreamReference
{
    /// <summary>The location of a stream built from images by <see cref="Drift"/> in every process.</summary>
    public const string EmbeddedLocation = "embedded";

    private static readonly Lock CacheGate = new();
    private static readonly List<(string Key, WindowStream Stream)> Cache = [];

    /// <summary><see cref="EmbeddedLocation"/>, or the path or <c>file://</c> URI of a window-stream file.</summary>
    public required string Location { get; init; }

    /// <summary>How the stream is built from images, for <see cref="EmbeddedLocation"/>; null otherwise.</summary>
    public DriftingStreamSpec? Drift { get; init; }

    /// <summary>The file's SHA-256 (hex), checked by every reader; null to skip the check (not recommended).</summary>
    public string? Sha256 { get; init; }

    /// <summary>A stream rebuilt from images in every process.</summary>
    public static StreamReference Embedded(DriftingStreamSpec drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        drift.Validate();
        return new StreamReference { Location = EmbeddedLocation, Drift = drift };
    }

    /// <summary>A window-stream file, with its current SHA-256 recorded; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    public static StreamReference File(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!System.IO.File.Exists(full)) throw new FileNotFoundException($"The window stream file {full} does not exist.", full);
        return new StreamReference { Location = full, Sha256 = WindowStreamFile.Sha256(full) };
    }

    /// <summary>Checks the reference and throws <see cref="ArgumentException"/> (or <see cref="NotSupportedException"/> for a URI that is not a file) naming what is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Location)) throw new ArgumentException($"{nameof(Location)} must be \"{EmbeddedLocation}\" or the path of a window stream file.");
        if (Location == EmbeddedLocation)
        {
            if (Drift is null) throw new ArgumentException($"An {EmbeddedLocation} stream needs its {nameof(Drift)} spec (how the images become windows).");
            Drift.Validate();
            return;
        }
        if (Drift is not null) throw new ArgumentException($"{nameof(Drift)} describes an {EmbeddedLocation} stream; the file {Location} holds its windows itself.");
        _ = FilePath;
    }

    /// <summary>The number of windows in the whole stream.</summary>
    public int CountWindows()
    {
        Validate();
        return Location == EmbeddedLocation ? Drift!.Windows : WindowStreamFile.CountWindows(FilePath);
    }

    /// <summary>
    /// Loads the first <paramref name="windows"/> windows (all when null). Streams are cached per process (the last
    /// few), so trials run side by side in one process load them once. Throws <see cref="FileNotFoundException"/> or
    /// <see cref="InvalidDataException"/> naming the file when this process cannot read it or reads other bytes.
    /// </summary>
    public WindowStream Open(int? windows = null)
    {
        Validate();
        string key = $"{Location}|{Sha256}|{(Drift is null ? "" : Common.PlasticityJson.Serialize(Drift))}";
        WindowStream? whole = null;
        lock (CacheGate)
        {
            foreach (var (k, s) in Cache)
                if (k == key) whole = s;
        }
        if (whole is null)
        {
            whole = Location == EmbeddedLocation ? Drift!.Build() : WindowStreamFile.Read(FilePath, expectedSha256: Sha256);
            lock (CacheGate)
            {
                Cache.RemoveAll(e => e.Key == key);
                Cache.Add((key, whole));
                if (Cache.Count > 4) Cache.RemoveAt(0);
            }
        }
        return windows is int count ? whole.Take(count) : whole;
    }

    /// <summary>Such as "embedded (8 windows x 300 images ...)" or the file's path.</summary>
    public override string ToString() => Location != EmbeddedLocation || Drift is null ? Location
        : $"{(Drift.Source == EmbeddedLocation ? "the embedded Fashion-MNIST images" : Drift.Source)}, {Drift.Windows} windows x {Drift.ImagesPerWindow} images, drift seed {Drift.Seed}";

    private string FilePath
    {
        get
        {
            if (Uri.TryCreate(Location, UriKind.Absolute, out var uri) && !Path.IsPathRooted(Location))
            {
                if (!uri.IsFile)
                    throw new NotSupportedException($"The stream location {Location} is a {uri.Scheme} URI; a search reads window stream files from paths or file:// URIs only and never downloads data.");
                return uri.LocalPath;
            }
            return Location;
        }
    }
}
