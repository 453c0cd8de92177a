namespace Plasticity.ML.Search.Experiment;

/// <summary>Where a search is: what a monitor shows while it runs.</summary>
public sealed record SearchProgress
{
    /// <summary>Trials with a result (completed or failed), over all sessions.</summary>
    public int Finished { get; init; }

    /// <summary>Of those, the failed ones.</summary>
    public int Failed { get; init; }

    /// <summary>Trials running now.</summary>
    public int Running { get; init; }

    /// <summary>Trials proposed so far (counted against <see cref="SearchBudget.MaxTrials"/>).</summary>
    public int Proposed { get; init; }

    /// <summary>The best trial so far (see <see cref="SearchResult.Best"/>), or null.</summary>
    public TrialRecord? Best { get; init; }

    /// <summary>Search wall time over all sessions.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>An estimate of the time until the budget stops the search (from the budgets and the mean trial cost so far), or null without one.</summary>
    public TimeSpan? Remaining { get; init; }

    /// <summary>Windows learned by all trials so far (counted against <see cref="SearchBudget.MaxWindows"/>).</summary>
    public long Windows { get; init; }

    /// <summary>The budget.</summary>
    public required SearchBudget Budget { get; init; }
}
