using System.Text;
using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// A search's folder: <c>history.jsonl</c> (one JSON line per event, appended and flushed), <c>state.json</c> (the
/// tuner's state after the last committed line, written atomically), <c>checkpoints/</c> (one folder per trial) and
/// <c>holdout.json</c>. On load it checks every committed line and tells a torn last line (a kill during the append,
/// dropped with a warning) from a damaged file (an error naming the line: the search never starts over silently).
/// </summary>
internal sealed class SearchStore
{
    public const string HistoryFile = "history.jsonl";
    public const string StateFile = "state.json";
    public const string HeldOutFile = "holdout.json";
    public const string CheckpointsFolderName = "checkpoints";

    private static readonly JsonSerializerOptions LineOptions = CreateLineOptions();

    public SearchStore(string folder) => Folder = Path.GetFullPath(folder);

    public string Folder { get; }

    public string HistoryPath => Path.Combine(Folder, HistoryFile);

    public string StatePath => Path.Combine(Folder, StateFile);

    public string HeldOutPath => Path.Combine(Folder, HeldOutFile);

    public string CheckpointFolder(string trial) => Path.Combine(Folder, CheckpointsFolderName, trial);

    /// <summary>Lines committed to the history so far.</summary>
    public int Lines { get; private set; }

    /// <summary>True when the folder holds a search.</summary>
    public bool Exists => File.Exists(HistoryPath) || File.Exists(StatePath);

    /// <summary>Starts a new history with its first line and the tuner's initial state.</summary>
    public void Create(SearchStartedLine header, string? tunerState)
    {
        Directory.CreateDirectory(Folder);
        AtomicFile.WriteAllText(HistoryPath, Serialize(header) + "\n");
        Lines = 1;
        SaveState(tunerState, 0);
    }

    /// <summary>Appends one line and flushes it to disk.</summary>
    public void Append(HistoryLine line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Serialize(line) + "\n");
        using (var stream = new FileStream(HistoryPath, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        Lines++;
    }

    /// <summary>Writes the state after the last appended line.</summary>
    public void SaveState(string? tunerState, double elapsed) =>
        PlasticityJson.WriteFile(StatePath, new SearchState { Lines = Lines, Tuner = tunerState is null ? null : System.Text.Json.Nodes.JsonNode.Parse(tunerState), Elapsed = elapsed });

    /// <summary>Reads and checks the folder's search (see the class remarks); <paramref name="warn"/> hears what was dropped.</summary>
    public LoadedSearch Load(Action<string> warn)
    {
        if (!File.Exists(HistoryPath))
            throw new InvalidDataException($"The search folder {Folder} has {StateFile} but no {HistoryFile}; the search cannot resume. Restore the history, or use another folder.");
        if (!File.Exists(StatePath))
            throw new InvalidDataException($"The search folder {Folder} has {HistoryFile} but no {StateFile} (the tuner's state); the search cannot resume. Restore it, or use another folder.");
        SearchState state;
        try
        {
            state = PlasticityJson.ReadFile<SearchState>(StatePath);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{StatePath} is damaged ({e.Message}); the search cannot resume. Restore it, or use another folder.", e);
        }
        string text = File.ReadAllText(HistoryPath, Encoding.UTF8);
        var texts = text.Split('\n').ToList();
        if (texts[^1].Length == 0) texts.RemoveAt(texts.Count - 1); // after the last newline
        if (texts.Count < state.Lines || state.Lines < 1)
            throw new InvalidDataException($"{HistoryPath} has {texts.Count} lines, but {StateFile} says {state.Lines} were written: the history was truncated or replaced. Restore it, or use another folder.");

        var lines = new List<HistoryLine>();
        for (int i = 0; i < state.Lines; i++) lines.Add(Parse(texts[i], i + 1));
        TrialFinishedLine? uncommitted = null;
        bool rewrite = false;
        for (int j = state.Lines; j < texts.Count; j++)
        {
            bool last = j == texts.Count - 1;
            HistoryLine? line = null;
            try
            {
                line = Parse(texts[j], j + 1);
            }
            catch (InvalidDataException) when (last)
            {
                warn($"{HistoryFile} line {j + 1} is incomplete (the search was stopped while writing it); it is dropped.");
                rewrite = true;
                continue;
            }
            if (j == state.Lines && line is TrialFinishedLine finished)
            {
                uncommitted = finished; // the result was written, the tuner's state after it was not: the tuner hears it on resume
                continue;
            }
            if (j == state.Lines && line is TrialProposedLine proposed)
            {
                warn($"Trial {proposed.Trial} was proposed, but the search stopped before it saved the tuner's state; the line is dropped and the tuner proposes again.");
                rewrite = true;
                continue;
            }
            throw new InvalidDataException($"{HistoryPath} line {j + 1} comes after the last saved tuner state ({state.Lines} lines) in a way a stopped search cannot leave; the history was edited or damaged. Repair it, or use another folder.");
        }
        Check(lines);
        if (uncommitted is not null) Check([.. lines, uncommitted]);
        if (rewrite)
            AtomicFile.WriteAllText(HistoryPath, string.Concat(texts.Take(state.Lines).Select(t => t + "\n")) + (uncommitted is null ? "" : texts[state.Lines] + "\n"));
        Lines = state.Lines + (uncommitted is null ? 0 : 1);
        return new LoadedSearch((SearchStartedLine)lines[0], lines.Skip(1).ToList(), uncommitted, state);
    }

    private HistoryLine Parse(string text, int number)
    {
        try
        {
            var line = JsonSerializer.Deserialize<HistoryLine>(text, LineOptions) ?? throw new JsonException("the line holds null");
            if (line is TrialFinishedLine { Status: TrialStatus.Completed } f && !double.IsFinite(f.Metric))
                throw new JsonException($"trial {f.Trial} is completed with the metric {f.Metric}");
            if (line is TrialFinishedLine { Status: TrialStatus.Failed } g && string.IsNullOrWhiteSpace(g.Error))
                throw new JsonException($"trial {g.Trial} failed without its error");
            return line;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw Corrupt(number, $"it is not a valid history record ({e.Message})", e);
        }
    }

    private void Check(List<HistoryLine> lines)
    {
        if (lines[0] is not SearchStartedLine) throw Corrupt(1, "the first line must describe the search (\"event\": \"search\")");
        var proposed = new HashSet<int>();
        var finished = new HashSet<int>();
        for (int i = 1; i < lines.Count; i++)
        {
            switch (lines[i])
            {
                case SearchStartedLine:
                    throw Corrupt(i + 1, "only the first line may describe the search");
                case TrialProposedLine p when p.Trial != proposed.Count:
                    throw Corrupt(i + 1, $"it proposes trial {p.Trial}, but trial {proposed.Count} is next");
                case TrialProposedLine p:
                    proposed.Add(p.Trial);
                    break;
                case TrialFinishedLine f when !proposed.Contains(f.Trial):
                    throw Corrupt(i + 1, $"it records a result of trial {f.Trial}, which was never proposed");
                case TrialFinishedLine f when !finished.Add(f.Trial):
                    throw Corrupt(i + 1, $"it records a second result of trial {f.Trial}");
            }
        }
    }

    private InvalidDataException Corrupt(int line, string what, Exception? inner = null) =>
        new($"{HistoryPath} line {line}: {what}. The search does not start over silently: repair or remove that line (and the lines after it, with {StateFile}), or resume in another folder.", inner);

    private static string Serialize(HistoryLine line) => JsonSerializer.Serialize(line, LineOptions);

    private static JsonSerializerOptions CreateLineOptions()
    {
        var options = new JsonSerializerOptions(PlasticityJson.Options) { WriteIndented = false, AllowOutOfOrderMetadataProperties = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A search read back from its folder.</summary>
/// <param name="Header">The first line.</param>
/// <param name="Lines">The committed lines after it.</param>
/// <param name="Uncommitted">A result written after the last saved tuner state, to give the tuner on resume.</param>
/// <param name="State">The saved state.</param>
internal sealed record LoadedSearch(SearchStartedLine Header, List<HistoryLine> Lines, TrialFinishedLine? Uncommitted, SearchState State);
