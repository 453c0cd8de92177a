using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Plasticity.Lab;
using Plasticity.Lab.Catalog;
using Plasticity.ML.Common;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// The `interventions` experiment end to end through the lab's command line, on its smoke preset trimmed to four
/// interventions (16 runs of a few dozen steps) to keep the test fast: the same code path as a full run.
/// </summary>
[TestClass]
public sealed class InterventionsExperimentTests
{
    private static readonly string[] Kept = ["none", "reset-last-layer", "reset-all", "layernorm"];

    [TestMethod]
    public void ASmokeRunWritesOneSummaryEntryPerCombinationTheTableAndTheBarPlot()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-interventions-" + Guid.NewGuid().ToString("N"));
        try
        {
            var experiment = new InterventionsExperiment();
            var smoke = experiment.CreateSpec(LabPreset.Smoke);
            Assert.HasCount(InterventionsExperiment.Columns.Count * InterventionsExperiment.Rows.Count, smoke.Variants, "the smoke preset holds every combination");
            var spec = smoke with { Variants = smoke.Variants.Where(v => Kept.Contains(v.Name.Split('/')[2])).ToList() };
            Directory.CreateDirectory(folder);
            string specPath = Path.Combine(folder, "trimmed-spec.json");
            PlasticityJson.WriteFile(specPath, spec);

            var (exit, output) = LabRunner.Run("interventions", "--spec", specPath, "--out", folder);
            Assert.AreEqual(0, exit, output);

            // summary.json: exactly one entry per intervention x architecture x head.
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.AreEqual("interventions", summary.RootElement.GetProperty("experiment").GetString());
            var entries = summary.RootElement.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
            var expected = InterventionsExperiment.Columns.SelectMany(c => Kept.Select(k => $"{c.Key}/{k}")).ToArray();
            CollectionAssert.AreEquivalent(expected, entries.Keys.ToArray());
            foreach (var (name, entry) in entries)
            {
                Assert.AreEqual(1, entry.GetProperty("seeds").GetInt32(), name);
                Assert.IsTrue(double.IsFinite(Mean(entry, "plasticityLoss")), name);
                Assert.IsTrue(Mean(entry, "finalAccuracy") is >= 0 and <= 1, name);
            }

            // Known answer: the interventions are compared on the same initial network. None, a last-layer reset and
            // a full reset act only at task boundaries after the first task, so their initial probe loss is identical.
            foreach (var (column, _) in InterventionsExperiment.Columns)
            {
                double baseline = Mean(entries[$"{column}/none"], "initialProbeLoss");
                Assert.AreEqual(baseline, Mean(entries[$"{column}/reset-last-layer"], "initialProbeLoss"), 0.0, column);
                Assert.AreEqual(baseline, Mean(entries[$"{column}/reset-all"], "initialProbeLoss"), 0.0, column);
            }

            // The bar plot is a real PNG, with room for every group.
            var png = File.ReadAllBytes(Path.Combine(folder, InterventionsExperiment.BarPlotFile));
            CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.IsGreaterThanOrEqualTo(700, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
            Assert.AreEqual(560, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));

            // The report's table: one row per kept intervention, and each cell is that variant's summary.
            string report = File.ReadAllText(Path.Combine(folder, "report.md"));
            StringAssert.Contains(report, $"]({InterventionsExperiment.BarPlotFile})");
            var header = TableRow(report, "Intervention");
            CollectionAssert.AreEqual(
                new[] { "Intervention" }.Concat(InterventionsExperiment.Columns.SelectMany(c => new[] { $"{c.Title}: plasticity loss", "final acc." })).ToArray(),
                header);
            foreach (var (key, title) in InterventionsExperiment.Rows)
            {
                var row = TableRow(report, title);
                if (!Kept.Contains(key))
                {
                    Assert.IsNull(row, $"{title} was not run and has no row");
                    continue;
                }
                Assert.IsNotNull(row, title);
                for (int c = 0; c < InterventionsExperiment.Columns.Count; c++)
                {
                    var entry = entries[$"{InterventionsExperiment.Columns[c].Key}/{key}"];
                    Assert.AreEqual(Mean(entry, "plasticityLoss"), LeadingNumber(row[1 + 2 * c]), 0.0005 + 1e-9, $"{title}, {InterventionsExperiment.Columns[c].Title}");
                    Assert.AreEqual(Mean(entry, "finalAccuracy"), LeadingNumber(row[2 + 2 * c]), 0.005 + 1e-9, $"{title}, {InterventionsExperiment.Columns[c].Title}");
                }
            }
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [TestMethod]
    public void EveryPresetHoldsEveryInterventionForEachArchitectureAndHead()
    {
        var experiment = new InterventionsExperiment();
        foreach (var preset in Enum.GetValues<LabPreset>())
        {
            var spec = experiment.CreateSpec(preset);
            spec.Validate();
            var expected = InterventionsExperiment.Columns.SelectMany(c => InterventionsExperiment.Rows.Select(r => $"{c.Key}/{r.Key}")).ToArray();
            CollectionAssert.AreEqual(expected, spec.Variants.Select(v => v.Name).ToArray(), preset.ToString());
            Assert.IsGreaterThanOrEqualTo(preset == LabPreset.Smoke ? 1 : 3, spec.Seeds, preset.ToString());
        }
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
