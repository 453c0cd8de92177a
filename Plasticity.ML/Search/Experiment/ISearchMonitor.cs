namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// Hears a search's progress (like AutoML's <c>IMonitor</c>). Called on the search's own flow, one call at a time,
/// after the history and tuner state are on disk. An exception thrown here stops the search at once: running trials
/// are cancelled, and the search resumes from its folder later, losing only them.
/// </summary>
public interface ISearchMonitor
{
    /// <summary>A message worth showing: the search resumed, a history line was dropped, the held-out evaluation began.</summary>
    void OnMessage(string message)
    {
    }

    /// <summary>A trial started (or started again after a resume).</summary>
    void OnTrialStarted(TrialRecord trial, SearchProgress progress)
    {
    }

    /// <summary>A trial ended, completed or failed, and is recorded.</summary>
    void OnTrialFinished(TrialRecord trial, SearchProgress progress)
    {
    }
}
