using System.Text.Json.Nodes;

namespace Plasticity.ML.Tests.Experiments;

/// <summary>Makes stored runs look as if another build of the library had computed them: a rebuilt library changes a
/// record's code fingerprint and code version, and nothing else.</summary>
internal static class OtherCode
{
    /// <summary>The code version the rewritten records claim.</summary>
    public const string Version = "0.0.1+other (build 0000)";

    /// <summary>Rewrites every run record under <paramref name="folder"/>/runs; returns how many.</summary>
    /// <param name="folder">An experiment's output folder.</param>
    /// <param name="keepSettingsFingerprint">False: also drop the settings fingerprint and settings, as in records stored before they existed.</param>
    /// <param name="edit">Further changes to each record, such as settings that other code wrote differently.</param>
    public static int Pretend(string folder, bool keepSettingsFingerprint = true, Action<JsonObject>? edit = null)
    {
        var paths = Directory.GetFiles(Path.Combine(folder, "runs"), "*.json");
        foreach (string path in paths)
        {
            var record = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            record["fingerprint"] = "0123456789ABCDEF";
            record["code"] = Version;
            if (!keepSettingsFingerprint)
            {
                record.Remove("settingsFingerprint");
                record.Remove("settings");
            }
            edit?.Invoke(record);
            File.WriteAllText(path, record.ToJsonString());
        }
        return paths.Length;
    }
}
