namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// When a search stops proposing trials: after so many trials, so many seconds, or so many windows learned in total
/// (the fidelity unit: a trial that learns windows 3 to 8 uses 6). At least one must be set; each set one must be
/// positive. A budget counts across resumes, so a resumed search continues towards the same limits (and a resume with
/// a larger budget runs more trials). The trial budget is exact; the seconds and windows budgets stop new trials once
/// reached, and trials already running finish.
/// </summary>
public sealed record SearchBudget
{
    /// <summary>Most trials proposed (completed, failed or running); null for no limit.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>Most seconds of search wall time (summed over resumed sessions); null for no limit.</summary>
    public double? MaxSeconds { get; init; }

    /// <summary>Most windows learned by all trials together; null for no limit.</summary>
    public long? MaxWindows { get; init; }

    /// <summary>A budget of trials only.</summary>
    public static SearchBudget Trials(int count) => new() { MaxTrials = count };

    /// <summary>Checks the budget and throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (MaxTrials is null && MaxSeconds is null && MaxWindows is null)
            throw new ArgumentException($"A search needs a budget: set {nameof(MaxTrials)}, {nameof(MaxSeconds)} or {nameof(MaxWindows)} (random search and ASHA never stop by themselves).");
        if (MaxTrials is <= 0) throw new ArgumentException($"{nameof(MaxTrials)} must be positive (or null for no limit); got {MaxTrials}.");
        if (MaxSeconds is double s && !(s > 0 && double.IsFinite(s))) throw new ArgumentException($"{nameof(MaxSeconds)} must be positive and finite (or null for no limit); got {s}.");
        if (MaxWindows is <= 0) throw new ArgumentException($"{nameof(MaxWindows)} must be positive (or null for no limit); got {MaxWindows}.");
    }

    /// <summary>Such as "24 trials, 1800 s".</summary>
    public override string ToString() => string.Join(", ", new[]
    {
        MaxTrials is int t ? $"{t} trials" : null,
        MaxSeconds is double s ? $"{s:0.#} s" : null,
        MaxWindows is long w ? $"{w} windows" : null,
    }.Where(x => x is not null));
}
