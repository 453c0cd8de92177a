using System.Security.Cryptography;
using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Objectives;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// A trial's checkpoint folder: the learner's state file (its own format) and <c>trial.json</c>, written last and
/// atomically, which names the state file with its SHA-256 and records the lineage: the options the state was trained
/// with, the fidelity it reached, every window score since the start of the stream, and the probe's loss on the initial
/// network. A folder without a readable <c>trial.json</c>, or whose state file does not match it, is not a checkpoint.
/// </summary>
internal sealed record TrialCheckpoint
{
    public const string InfoFile = "trial.json";

    public int Format { get; init; } = 1;

    public required string Trial { get; init; }

    public required string Learner { get; init; }

    public required string Options { get; init; }

    public long Seed { get; init; }

    public long Fidelity { get; init; }

    public List<WindowScore> Scores { get; init; } = [];

    public double? InitialProbeLoss { get; init; }

    public required string StateFile { get; init; }

    public required string Sha256 { get; init; }

    /// <summary>Writes the learner's state and then <c>trial.json</c> into <paramref name="folder"/> (emptied first).</summary>
    public static void Write(string folder, IWindowLearner learner, TrialSpec spec, long fidelity, List<WindowScore> lineage, double? initialProbeLoss)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        string file = learner.Save(folder);
        var info = new TrialCheckpoint
        {
            Trial = spec.Name,
            Learner = spec.Learner,
            Options = spec.Options,
            Seed = spec.Seed,
            Fidelity = fidelity,
            Scores = lineage,
            InitialProbeLoss = initialProbeLoss,
            StateFile = file,
            Sha256 = Hash(Path.Combine(folder, file)),
        };
        PlasticityJson.WriteFile(Path.Combine(folder, InfoFile), info);
    }

    /// <summary>The checkpoint in <paramref name="folder"/>, or null with the reason why it cannot be used.</summary>
    public static (TrialCheckpoint? Checkpoint, string? Problem) TryRead(string folder)
    {
        string path = Path.Combine(folder, InfoFile);
        if (!File.Exists(path)) return (null, $"there is no checkpoint in {folder}");
        TrialCheckpoint info;
        try
        {
            info = PlasticityJson.ReadFile<TrialCheckpoint>(path);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return (null, $"the checkpoint {path} cannot be read ({e.Message})");
        }
        string state = Path.Combine(folder, info.StateFile);
        if (!File.Exists(state)) return (null, $"the checkpoint's state file {state} is missing");
        if (!string.Equals(Hash(state), info.Sha256, StringComparison.OrdinalIgnoreCase)) return (null, $"the checkpoint's state file {state} does not match its SHA-256");
        return (info, null);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }
}
