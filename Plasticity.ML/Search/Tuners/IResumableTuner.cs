namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// A tuner whose whole state can be written out and read back, so that a killed search resumes where it stopped: a
/// tuner constructed with the same space and options that imports an exported state proposes exactly what the
/// original would have proposed next, given the same results. Proposals that were running at export stay pending
/// and accept their results after import.
/// </summary>
public interface IResumableTuner : ITuner
{
    /// <summary>The tuner's state as JSON.</summary>
    string ExportState();

    /// <summary>
    /// Replaces the tuner's state with one written by <see cref="ExportState"/>. Throws <see cref="ArgumentException"/>
    /// when the state belongs to another kind of tuner, another search space or other options, and
    /// <see cref="System.Text.Json.JsonException"/> when it is not valid JSON of a tuner state.
    /// </summary>
    void ImportState(string state);
}
