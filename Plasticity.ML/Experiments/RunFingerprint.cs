using System.Security.Cryptography;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.ML.Experiments;

/// <summary>
/// Identifies a stored run by what decided its numbers: its settings, and the code that computed them. The experiment
/// runners reuse a stored run when both match; asked to, they also reuse one whose settings match and which other code
/// computed (an experiment of days that outlives a library update, or seeds trained on other machines).
/// </summary>
public static class RunFingerprint
{
    /// <summary>A short hash of <paramref name="settings"/> (serialized as the library serializes its options).</summary>
    public static string OfSettings(object settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Hash(PlasticityJson.Serialize(settings));
    }

    /// <summary>A short hash of a settings fingerprint together with <see cref="CodeVersion.Current"/>.</summary>
    public static string WithCode(string settingsFingerprint)
    {
        ArgumentException.ThrowIfNullOrEmpty(settingsFingerprint);
        return Hash(settingsFingerprint + "\n" + CodeVersion.Current);
    }

    /// <summary>
    /// Whether a stored run may stand for the run being asked for: its fingerprint is this code's, or, with
    /// <paramref name="anyCode"/>, its settings fingerprint matches (a run stored before settings fingerprints were
    /// recorded never matches that way).
    /// </summary>
    public static bool Reusable(string? storedFingerprint, string? storedSettingsFingerprint, string settingsFingerprint, bool anyCode)
    {
        ArgumentException.ThrowIfNullOrEmpty(settingsFingerprint);
        return storedFingerprint == WithCode(settingsFingerprint) || (anyCode && storedSettingsFingerprint == settingsFingerprint);
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
