using System.Globalization;
using System.Text;
using Plasticity.ML.Estimators;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// How the plastic trainers' defaults were chosen (docs/defaults.md): candidate settings on the tabular data sets,
/// same splits, one table. <c>--tune</c> runs it; it is not part of the report. Every candidate states all the
/// settings it changes from the first release's, so that the table stays reproducible when the defaults change.
/// </summary>
public static class TabularTuning
{
    /// <summary>A candidate's settings; the rest of the options keep their class defaults.</summary>
    private sealed record Settings(int[] Hidden, NormalizationKind Normalization, int Batch, double LearningRate, double Validation,
        int Patience, int MinimumSteps, int Epochs, double WeightDecay = 0, double Plateau = 1, double Averaging = 0)
    {
        public void Apply(PlasticTrainerOptionsBase o)
        {
            o.HiddenWidths = [.. Hidden];
            o.Normalization = Normalization;
            o.BatchSize = Batch;
            o.Optimizer = WeightDecay > 0
                ? new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = LearningRate, WeightDecay = WeightDecay }
                : new OptimizerOptions { LearningRate = LearningRate };
            o.ValidationFraction = Validation;
            o.EarlyStoppingPatience = Patience;
            o.MinimumSteps = MinimumSteps;
            o.Epochs = Epochs;
            o.PlateauLearningRateFactor = Plateau;
            o.WeightAveragingEpochs = Averaging;
        }
    }

    /// <summary>The first release's defaults: 64-64, no normalization, batch 64, 10 epochs, no held-out part, no step floor.</summary>
    private static readonly Settings FirstRelease = new([64, 64], NormalizationKind.None, 64, 1e-3, 0, 20, 0, 10);

    /// <summary>The chosen defaults (they must equal <see cref="PlasticTrainerOptionsBase.Defaults"/>).</summary>
    private static readonly Settings Chosen = new([128, 128], NormalizationKind.LayerNorm, 32, 1e-3, 0.2, 20, 500, 500, Averaging: 2);

    /// <summary>The candidates compared, by name.</summary>
    public static IReadOnlyList<TabularTrainer> Candidates(string? only)
    {
        var all = new (string Name, Settings Settings)[]
        {
            ("first release", FirstRelease),
            ("chosen defaults", Chosen),
            ("no LayerNorm", Chosen with { Normalization = NormalizationKind.None }),
            ("no weight averaging", Chosen with { Averaging = 0 }),
            ("weight average over 1 epoch", Chosen with { Averaging = 1 }),
            ("weight average over 5 epochs", Chosen with { Averaging = 5 }),
            ("held out 0.1", Chosen with { Validation = 0.1 }),
            ("no early stopping, 200 epochs", Chosen with { Validation = 0, Epochs = 200 }),
            ("64-64", Chosen with { Hidden = [64, 64] }),
            ("256-256", Chosen with { Hidden = [256, 256] }),
            ("batch 64", Chosen with { Batch = 64 }),
            ("learning rate 3e-3", Chosen with { LearningRate = 3e-3 }),
            ("at least 2,000 steps", Chosen with { MinimumSteps = 2000 }),
            ("patience 50", Chosen with { Patience = 50 }),
            ("AdamW, weight decay 0.1", Chosen with { WeightDecay = 0.1 }),
            ("learning rate x0.5 at plateaus", Chosen with { Plateau = 0.5 }),
        };
        var names = only?.Split(';');
        return all.Where(c => names is null || names.Contains(c.Name))
            .Select(c => TabularBenchmark.PlasticWith(c.Name, c.Settings.Apply)).ToList();
    }

    /// <summary>Throws if <see cref="Chosen"/> no longer matches the trainers' defaults.</summary>
    public static void CheckChosenAreTheDefaults()
    {
        var defaults = new PlasticRegressionTrainer.Options();
        var chosen = new PlasticRegressionTrainer.Options();
        Chosen.Apply(chosen);
        if (!defaults.HiddenWidths.SequenceEqual(chosen.HiddenWidths) || defaults.Normalization != chosen.Normalization || defaults.BatchSize != chosen.BatchSize
            || defaults.Optimizer != chosen.Optimizer || defaults.ValidationFraction != chosen.ValidationFraction || defaults.EarlyStoppingPatience != chosen.EarlyStoppingPatience
            || defaults.MinimumSteps != chosen.MinimumSteps || defaults.Epochs != chosen.Epochs || defaults.PlateauLearningRateFactor != chosen.PlateauLearningRateFactor
            || defaults.WeightAveragingEpochs != chosen.WeightAveragingEpochs)
            throw new InvalidOperationException("TabularTuning's 'chosen defaults' differ from PlasticTrainerOptionsBase.Defaults; update one of them.");
    }

    /// <summary>Runs the candidates (and SDCA, LightGbm) and renders the table.</summary>
    public static string Run(IEnumerable<TabularDataset> datasets, Func<TabularDataset, int> splits, string? only, bool withReferences)
    {
        CheckChosenAreTheDefaults();
        var trainers = Candidates(only).ToList();
        if (withReferences) trainers.AddRange([TabularBenchmark.Sdca, TabularBenchmark.LightGbm]);
        var results = TabularBenchmark.Measure(datasets, trainers, splits, line => Console.Error.WriteLine(line));
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        var sets = results.Select(r => r.Dataset).Distinct().ToList();
        s.AppendLine("| candidate | " + string.Join(" | ", sets) + " | mean seconds per fit |");
        s.AppendLine("|---|" + string.Concat(sets.Select(_ => "---|")) + "---|");
        foreach (var trainer in trainers)
        {
            var rows = results.Where(r => r.Trainer == trainer.Name).ToList();
            var cells = sets.Select(d => rows.Single(r => r.Dataset == d)).Select(r => string.Create(c, $"{r.MeanMetric:F3} ± {r.MetricStd:F3}"));
            s.AppendLine($"| {trainer.Name} | {string.Join(" | ", cells)} | {rows.Average(r => r.MeanSeconds).ToString("F2", c)} |");
        }
        return s.ToString();
    }
}
