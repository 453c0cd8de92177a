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
    /// <paramref name="anyCode"/>, its settings match. The stored settings are fingerprinted again by this code when the
    /// record holds them (so a setting added since, read back at its default, does not tell them apart); otherwise the
    /// stored settings fingerprint is compared. A run stored before either was recorded never matches that way.
    /// </summary>
    public static bool Reusable(string? storedFingerprint, string? storedSettingsFingerprint, object? storedSettings, string settingsFingerprint, bool anyCode)
    {
        ArgumentException.ThrowIfNullOrEmpty(settingsFingerprint);
        if (storedFingerprint == WithCode(settingsFingerprint)) return true;
        if (!anyCode) return false;
        return (storedSettings is null ? storedSettingsFingerprint : OfSettings(storedSettings)) == settingsFingerprint;
    }

    /// <summary>
    /// Reads the run stored at <paramref name="path"/> if it may stand for the run whose settings fingerprint is
    /// <paramref name="settingsFingerprint"/> (see <see cref="Reusable"/>); null when there is none, it is not reusable,
    /// or an incompatible version stored it.
    /// </summary>
    internal static TRecord? TryLoad<TRecord>(string path, string settingsFingerprint, bool anyCode) where TRecord : class, IStoredRun
    {
        if (!File.Exists(path)) return null;
        try
        {
            var record = PlasticityJson.ReadFile<TRecord>(path);
            return Reusable(record.Fingerprint, record.SettingsFingerprint, record.StoredSettings, settingsFingerprint, anyCode) ? record : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // stored by an incompatible version: train it again
        }
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
