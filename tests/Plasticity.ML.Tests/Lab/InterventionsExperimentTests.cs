using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Plasticity.Lab.Catalog;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// The `interventions` experiment end to end through the lab's command line, on its whole smoke preset: every method of
/// the catalogue in every column it applies to (98 runs of a few dozen steps each), the same code path as a full run.
/// </summary>
[TestClass]
public sealed class InterventionsExperimentTests
{
    /// <summary>
    /// Rows whose network, optimizer and probe are the column's own until after the initial probe: they must share the
    /// initial probe loss exactly (the interventions are compared on the same initial network).
    /// </summary>
    private static readonly string[] SameInitialProbe =
        ["none", "reset-last-layer", "reset-all", "shrink-perturb", "optimizer-reset", "redo", "cbp", "l2-init", "sam", "weight-decay",
         "plasticity-injection", "hare-tortoise", "c-chain", "bbf-reset"];

    [TestMethod]
    public void ASmokeRunOfEveryMethodWritesEachCombinationTheTableThePlotAndKendallsTau()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-interventions-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("interventions", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);

            // summary.json: exactly one entry per applicable intervention x architecture x head.
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual("interventions", summary.RootElement.GetProperty("experiment").GetString());
            var entries = summary.RootElement.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            CollectionAssert.AreEquivalent(InterventionsExperiment.VariantNames(LabPreset.Smoke).ToArray(), entries.Keys.ToArray());
            foreach (var (name, entry) in entries)
            {
                Assert.AreEqual(1, entry.GetProperty("seeds").GetInt32(), name);
                Assert.IsTrue(double.IsFinite(Mean(entry, "plasticityLoss")), name);
                Assert.IsTrue(Mean(entry, "finalAccuracy") is >= 0 and <= 1, name);
            }

            // Known answer: the interventions are compared on the same initial network, so rows that change nothing before the
            // initial probe share its loss exactly; the probe's copies train with the parameterizations, so those differ.
            foreach (var (column, _) in InterventionsExperiment.Columns)
            {
                double baseline = Mean(entries[$"{column}/none"], "initialProbeLoss");
                foreach (var row in SameInitialProbe)
                    Assert.AreEqual(baseline, Mean(entries[$"{column}/{row}"], "initialProbeLoss"), 0.0, $"{column}/{row}");
                Assert.AreNotEqual(baseline, Mean(entries[$"{column}/parseval"], "initialProbeLoss"), $"{column}: Parseval acts in the probe's copies");
                Assert.AreNotEqual(baseline, Mean(entries[$"{column}/spectral-norm"], "initialProbeLoss"), $"{column}: the probe trains a normalized copy");
            }

            // The bar plot is a real PNG, with room for every group.
            var png = File.ReadAllBytes(Path.Combine(folder, InterventionsExperiment.BarPlotFile));
            CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.IsGreaterThanOrEqualTo(700, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));

            // The report's table: one row per intervention, and each cell is that variant's summary ("—" where a row does not apply).
            string report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, $"]({InterventionsExperiment.BarPlotFile})");
            var header = TableRow(report, "Intervention");
            CollectionAssert.AreEqual(
                new[] { "Intervention" }.Concat(InterventionsExperiment.Columns.SelectMany(c => new[] { $"{c.Title}: plasticity loss", "final acc." })).ToArray(),
                header);
            foreach (var (key, title) in InterventionsExperiment.Rows)
            {
                var row = TableRow(report, title);
                Assert.IsNotNull(row, title);
                for (int c = 0; c < InterventionsExperiment.Columns.Count; c++)
                {
                    string name = $"{InterventionsExperiment.Columns[c].Key}/{key}";
                    if (!entries.TryGetValue(name, out var entry))
                    {
                        Assert.AreEqual("—", row[1 + 2 * c], name);
                        continue;
                    }
                    Assert.AreEqual(Mean(entry, "plasticityLoss"), LeadingNumber(row[1 + 2 * c]), 0.0005 + 1e-9, name);
                    Assert.AreEqual(Mean(entry, "finalAccuracy"), LeadingNumber(row[2 + 2 * c]), 0.005 + 1e-9, name);
                }
            }

            // Kendall's tau of the paper's seven MLP rows, counted here pair by pair from summary.json.
            var ours = PaperComparison.MlpColumn.Select(r => Mean(entries[r.Variant], "plasticityLoss")).ToArray();
            var paper = PaperComparison.MlpColumn.Select(r => r.Paper).ToArray();
            int concordant = 0, discordant = 0;
            for (int i = 0; i < 7; i++)
                for (int j = i + 1; j < 7; j++)
                {
                    double product = (paper[i] - paper[j]) * (ours[i] - ours[j]);
                    if (product > 0) concordant++;
                    else if (product < 0) discordant++;
                }
            double tau = (concordant - discordant) / 21.0;
            using var comparison = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, InterventionsExperiment.PaperComparisonFile)));
            Assert.AreEqual(tau, comparison.RootElement.GetProperty("tau").GetDouble(), 1e-12, "seven distinct values: tau-b is (C - D) / 21");
            Assert.AreEqual("smoke", comparison.RootElement.GetProperty("preset").GetString());
            StringAssert.Contains(report, $"**tau = {tau.ToString("0.00", CultureInfo.InvariantCulture)}**");

            // A run of the written spec reuses every run, and names itself after the file, not after a preset it did not use.
            var (exitSpec, outputSpec) = LabRunner.Run("interventions", "--spec", Path.Combine(folder, "spec.json"), "--out", folder);
            Assert.AreEqual(0, exitSpec, outputSpec);
            using var custom = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, InterventionsExperiment.PaperComparisonFile)));
            Assert.AreEqual("custom: spec.json", custom.RootElement.GetProperty("preset").GetString());
            Assert.AreEqual(tau, custom.RootElement.GetProperty("tau").GetDouble(), 1e-12);
            StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "report.md")), "(preset custom: spec.json)");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void EveryPresetHoldsEveryMethodAndThePaperPresetTheMlpAtThePapersProbe()
    {
        var experiment = new InterventionsExperiment();
        foreach (var preset in Enum.GetValues<LabPreset>())
        {
            Assert.IsTrue(experiment.SupportsPreset(preset), preset.ToString());
            var spec = experiment.CreateSpec(preset);
            spec.Validate();
            CollectionAssert.AreEqual(InterventionsExperiment.VariantNames(preset).ToArray(), spec.Variants.Select(v => v.Name).ToArray(), preset.ToString());
            foreach (var (row, _) in InterventionsExperiment.Rows)
                Assert.IsTrue(spec.Variants.Any(v => v.Name == $"mlp/regression/{row}"), $"{preset}: {row} in the MLP regression column");
            Assert.IsGreaterThanOrEqualTo(preset == LabPreset.Smoke ? 1 : 3, spec.Seeds, preset.ToString());
            if (preset == LabPreset.Paper) continue;
            int expected = InterventionsExperiment.Columns.Count * InterventionsExperiment.Rows.Count - 2 * InterventionsExperiment.RegressionOnlyRows.Count;
            Assert.HasCount(expected, spec.Variants, $"{preset}: every row in every column it applies to");
        }

        var paper = experiment.CreateSpec(LabPreset.Paper);
        Assert.AreEqual(10, paper.Training.Probe!.Targets, "the paper's probe: 10 targets");
        Assert.AreEqual(2000, paper.Training.Probe.Steps, "x 2,000 steps");
        Assert.AreEqual(1000, paper.Training.StepsPerTask, "tasks as long as one of the paper's iterations");
        Assert.IsTrue(paper.Variants.All(v => v.Name.StartsWith("mlp/", StringComparison.Ordinal)), "the MLP only (the column the paper comparison uses)");
        CollectionAssert.IsSubsetOf(PaperComparison.MlpColumn.Select(r => r.Variant).ToArray(), paper.Variants.Select(v => v.Name).ToArray());
    }

    [TestMethod]
    public void AnExperimentWithoutAPaperPresetRefusesIt()
    {
        var (exit, output) = LabRunner.Run("adam", "--preset", "paper");
        Assert.AreEqual(2, exit, output);
        StringAssert.Contains(output, "has no preset 'paper'");
    }

    private static double Mean(JsonElement entry, string statistic) => entry.GetProperty(statistic).GetProperty("mean").GetDouble();

    private static double LeadingNumber(string cell) =>
        double.Parse(cell.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The cells of the first Markdown table row whose first cell is <paramref name="firstCell"/>, or null.</summary>
    private static string[]? TableRow(string markdown, string firstCell) =>
        markdown.Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal))
            .Select(line => line.Trim().Trim('|').Split(" | ").Select(cell => cell.Trim()).ToArray())
            .FirstOrDefault(cells => cells[0] == firstCell);
}
