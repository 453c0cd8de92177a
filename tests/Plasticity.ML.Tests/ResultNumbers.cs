using System.Text.Json.Nodes;
using Plasticity.ML.Common;

namespace Plasticity.ML.Tests;

/// <summary>A result's numbers as JSON, without what may differ between equal runs: what resume tests compare bit for bit.</summary>
internal static class ResultNumbers
{
    /// <summary>
    /// <paramref name="value"/> serialized as the library serializes it, with every property whose name contains
    /// "econds" (timings: seconds, milliseconds) and every property named in <paramref name="alsoDrop"/> removed at any depth.
    /// </summary>
    public static string Of<T>(T value, params string[] alsoDrop)
    {
        var node = JsonNode.Parse(PlasticityJson.Serialize(value))!;
        Strip(node);
        return node.ToJsonString();

        void Strip(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(p => p.Key).Where(k => k.Contains("econds", StringComparison.Ordinal) || alsoDrop.Contains(k)).ToList()) o.Remove(key);
                foreach (var (_, child) in o) Strip(child);
            }
            else if (n is JsonArray a)
            {
                foreach (var child in a) Strip(child);
            }
        }
    }
}
