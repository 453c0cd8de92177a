namespace Plasticity.ML.Experiments.Falsification;

/// <summary>How a statistic and the outcome move together within one condition group.</summary>
public sealed record GroupAssociation
{
    /// <summary>The group ("all" for the pooled association).</summary>
    public required string Group { get; init; }

    /// <summary>Runs with a finite statistic and outcome.</summary>
    public required int Count { get; init; }

    /// <summary>Pearson's r of outcome and statistic; NaN when undefined (too few runs, or a constant statistic).</summary>
    public required double Pearson { get; init; }

    /// <summary>Spearman's rho; NaN when undefined.</summary>
    public required double Spearman { get; init; }

    /// <summary>Least-squares slope of the outcome against the statistic (outcome units per statistic unit); NaN when undefined.</summary>
    public required double Slope { get; init; }

    /// <summary>Intercept of that line; NaN when undefined.</summary>
    public required double Intercept { get; init; }

    /// <summary>Mean of the statistic over the group's runs (NaN when none), to read the slope's scale.</summary>
    public required double StatisticMean { get; init; }

    /// <summary>+1 or -1 by the sign of <see cref="Pearson"/> (the slope has the same sign), 0 when r is 0 or undefined.</summary>
    public int Sign => double.IsNaN(Pearson) || Pearson == 0 ? 0 : Math.Sign(Pearson);
}
