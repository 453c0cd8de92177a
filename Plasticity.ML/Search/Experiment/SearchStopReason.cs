using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Experiment;

/// <summary>Why a search stopped proposing trials.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SearchStopReason>))]
public enum SearchStopReason
{
    /// <summary><see cref="SearchBudget.MaxTrials"/> trials were proposed.</summary>
    TrialBudget,

    /// <summary><see cref="SearchBudget.MaxSeconds"/> passed.</summary>
    TimeBudget,

    /// <summary><see cref="SearchBudget.MaxWindows"/> windows were learned.</summary>
    WindowBudget,

    /// <summary>The tuner had nothing more to propose (an exhausted grid, a population at its last fidelity).</summary>
    TunerFinished,
}
