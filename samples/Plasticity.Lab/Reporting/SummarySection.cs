using System.Text.Json.Nodes;
using Plasticity.ML.Common;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// Adds an experiment-specific section to the standard <c>summary.json</c> (written by the run command before
/// <c>Analyze</c>), keeping everything already there.
/// </summary>
public static class SummarySection
{
    /// <summary>Sets property <paramref name="name"/> of the summary in <paramref name="folder"/> to <paramref name="value"/> (serialized like every other result file).</summary>
    public static void Write<T>(string folder, string name, T value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string path = Path.Combine(folder, "summary.json");
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        root[name] = JsonNode.Parse(PlasticityJson.Serialize(value));
        AtomicFile.WriteAllText(path, root.ToJsonString(PlasticityJson.Options));
    }
}
