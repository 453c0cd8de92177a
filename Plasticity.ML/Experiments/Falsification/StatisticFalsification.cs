namespace Plasticity.ML.Experiments.Falsification;

/// <summary>
/// The sign-reversal test of one statistic (PAPER.md §3): its association with the outcome within each group, and
/// whether the sign of that association reverses across groups.
/// </summary>
public sealed record StatisticFalsification
{
    /// <summary>The statistic's name.</summary>
    public required string Statistic { get; init; }

    /// <summary>One association per group that has the statistic, in the order groups first appear.</summary>
    public required IReadOnlyList<GroupAssociation> Groups { get; init; }

    /// <summary>All groups pooled: the naive correlation a single scatter plot suggests (not part of the verdict).</summary>
    public required GroupAssociation Pooled { get; init; }

    /// <summary>Groups with r &gt; 0.</summary>
    public required int PositiveGroups { get; init; }

    /// <summary>Groups with r &lt; 0.</summary>
    public required int NegativeGroups { get; init; }

    /// <summary>Groups whose r is undefined (too few runs or a constant statistic); they take no part in the verdict.</summary>
    public required int UndefinedGroups { get; init; }

    /// <summary>The verdict from the signs of Pearson's r (a group with r exactly 0 counts for neither sign).</summary>
    public required SignPattern Pattern { get; init; }

    /// <summary>
    /// True when some group's r is positive and another's negative: the paper's criterion, one reversal rejects the
    /// statistic as a universal causal explanation. With few runs per group a weak r can flip by noise alone; see
    /// <see cref="StrongSignFlip"/>.
    /// </summary>
    public bool SignFlips => Pattern == SignPattern.Flips;

    /// <summary>
    /// True when one group has r &gt;= +<see cref="FalsificationOptions.StrongCorrelation"/> and another r &lt;= -that:
    /// a reversal between clear associations, harder to blame on noise.
    /// </summary>
    public required bool StrongSignFlip { get; init; }

    /// <summary>True when the signs of Spearman's rho (rather than Pearson's r) reverse across groups.</summary>
    public required bool SpearmanSignFlips { get; init; }

    /// <summary>Mean |r| over the groups with a defined r (NaN when none): how strong the within-group associations are.</summary>
    public required double MeanAbsolutePearson { get; init; }
}
