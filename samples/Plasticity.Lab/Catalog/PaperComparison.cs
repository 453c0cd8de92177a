using System.Globalization;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Common;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Falsification;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// Our ordering of the paper's interventions against the paper's own: Kendall's tau-b between the plasticity losses of
/// the paper's Fig. 6 MLP column (PAPER.md §5.3: CIFAR-10 observations, regression head, mean over seeds) and ours for
/// the same seven rows, the paper's "two-hot" row being our MLP two-hot column's "none". Tau is 1 when both order the
/// seven rows alike, -1 when ours is the reverse, about 0 when unrelated; with seven rows one swapped pair moves it by
/// 2/21, about 0.1.
/// </summary>
public sealed class PaperComparison
{
    /// <summary>The paper's Fig. 6 MLP column: row title, our variant name, the paper's plasticity loss (mean over seeds).</summary>
    public static IReadOnlyList<(string Title, string Variant, double Paper)> MlpColumn { get; } =
    [
        ("None", "mlp/regression/none", 0.27),
        ("Two-hot", "mlp/two-hot/none", 0.02),
        ("Reset last layer", "mlp/regression/reset-last-layer", 0.10),
        ("LayerNorm", "mlp/regression/layernorm", 0.25),
        ("Weight decay 1e-5", "mlp/regression/weight-decay", 0.28),
        ("Spectral norm", "mlp/regression/spectral-norm", 0.43),
        ("Shrink & perturb", "mlp/regression/shrink-perturb", 0.61),
    ];

    private PaperComparison(IReadOnlyList<(string Title, double Paper, double Ours, double Std)> rows, IReadOnlyList<string> missing)
    {
        Rows = rows;
        Missing = missing;
        Tau = missing.Count > 0 ? double.NaN : Correlation.Kendall(rows.Select(r => r.Paper).ToArray(), rows.Select(r => r.Ours).ToArray());
    }

    /// <summary>Per paper row: the paper's plasticity loss, ours (mean and std over seeds).</summary>
    public IReadOnlyList<(string Title, double Paper, double Ours, double Std)> Rows { get; }

    /// <summary>The variants of the paper's rows that the result lacks (then <see cref="Tau"/> is NaN).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Kendall's tau-b between the paper's and our plasticity losses over the seven rows; NaN when a row is missing.</summary>
    public double Tau { get; }

    /// <summary>Compares the summaries of a result with the paper's column.</summary>
    public static PaperComparison From(IReadOnlyList<VariantSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var byName = summaries.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var rows = new List<(string, double, double, double)>();
        var missing = new List<string>();
        foreach (var (title, variant, paper) in MlpColumn)
        {
            if (byName.TryGetValue(variant, out var summary)) rows.Add((title, paper, summary.PlasticityLoss.Mean, summary.PlasticityLoss.Std));
            else missing.Add(variant);
        }
        return new PaperComparison(rows, missing);
    }

    /// <summary>Adds the comparison to the report (the table and tau, or why tau is not computed).</summary>
    public void AddTo(MarkdownReport report, string presetLabel)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.Heading("Ordering against the paper's MLP column (Kendall's tau)");
        if (Missing.Count > 0)
        {
            report.Paragraph($"Not computed: this run lacks {string.Join(", ", Missing)}.");
            return;
        }
        var paperRanks = Correlation.Ranks(Rows.Select(r => r.Paper).ToArray());
        var ourRanks = Correlation.Ranks(Rows.Select(r => r.Ours).ToArray());
        string tau = Tau.ToString("0.00", CultureInfo.InvariantCulture);
        report.Paragraph(
            "Kendall's tau-b between the paper's Fig. 6 MLP column (PAPER.md §5.3) and this run's plasticity losses of the same seven rows " +
            $"(preset {presetLabel}): **tau = {tau}**. Rank 1 = least plasticity lost. The paper's numbers are CIFAR-10 " +
            "observations in its RL classification setting; ours are random-label memorization on Fashion-MNIST, so tau measures whether the " +
            "interventions order alike, not whether the numbers agree.")
            .Table(["Row", "paper", "paper rank", "ours", "our rank"], Rows.Select((r, i) => (IReadOnlyList<string>)
            [
                r.Title,
                r.Paper.ToString("0.00", CultureInfo.InvariantCulture),
                paperRanks[i].ToString("0.#", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{r.Ours:0.000} ± {r.Std:0.000}"),
                ourRanks[i].ToString("0.#", CultureInfo.InvariantCulture),
            ]));
    }

    /// <summary>Writes the comparison as JSON (tau, the rows, the preset) for tools and the README.</summary>
    public void Write(string path, string presetLabel) => PlasticityJson.WriteFile(path, new
    {
        Preset = presetLabel,
        Tau = double.IsNaN(Tau) ? (double?)null : Tau,
        Missing,
        Rows = Rows.Select(r => new { r.Title, r.Paper, r.Ours, r.Std }).ToArray(),
    });
}
