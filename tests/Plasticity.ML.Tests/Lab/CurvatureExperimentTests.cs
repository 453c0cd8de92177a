using System.Text.Json;
using Plasticity.Lab.Catalog;
using Plasticity.ML.Diagnostics;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class CurvatureExperimentTests
{
    [TestMethod]
    public void TheSmokeRunSavesDensitiesAndCkAndDrawsThemForDescentAndTheWalk()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-lab-curvature-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output) = LabRunner.Run("curvature", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit, output);
            var spec = new CurvatureExperiment().CreateSpec(LabPreset.Smoke);
            int lastTask = spec.Tasks.Tasks - 1;
            string[] variants = [CurvatureExperiment.DescentVariant, CurvatureExperiment.WalkVariant];

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            var sections = summary.RootElement.GetProperty("curvature").GetProperty("variants").EnumerateArray().ToList();
            CollectionAssert.AreEqual(variants, sections.Select(v => v.GetProperty("name").GetString()).ToArray());
            var initial = new List<JsonElement>();
            foreach (var v in sections)
            {
                var points = v.GetProperty("points").EnumerateArray().ToList();
                CollectionAssert.AreEqual(new[] { 0, lastTask + 1 }, points.Select(p => p.GetProperty("tasksCompleted").GetInt32()).ToArray());
                foreach (var p in points)
                {
                    double top = p.GetProperty("topEigenvalue").GetProperty("mean").GetDouble();
                    double ritz = p.GetProperty("largestRitzValue").GetProperty("mean").GetDouble();
                    Assert.IsGreaterThan(0.0, top);
                    // Power iteration and Lanczos estimate the same lambda_max (Lanczos from below).
                    Assert.AreEqual(top, ritz, 0.2 * top, "power iteration vs Lanczos");
                    Assert.IsTrue(p.GetProperty("covarianceFractionNegative").GetProperty("mean").GetDouble() is >= 0 and <= 1);
                    Assert.IsTrue(p.GetProperty("outlierMass").GetProperty("mean").GetDouble() is >= 0 and <= 1);
                }
                // Nothing lies beyond the initial network's own largest eigenvalue at the initial point.
                Assert.AreEqual(0.0, points[0].GetProperty("outlierMass").GetProperty("mean").GetDouble());
                initial.Add(points[0]);
            }
            // Same seed, same initial network, same panel seed: GD and the walk measure identical statistics at the start.
            foreach (var name in new[] { "topEigenvalue", "largestRitzValue", "covarianceMeanOffDiagonal" })
                Assert.AreEqual(initial[0].GetProperty(name).GetProperty("mean").GetDouble(), initial[1].GetProperty(name).GetProperty("mean").GetDouble(), name);

            // The saved C_k is a cosine matrix: symmetric, unit diagonal, entries in [-1, 1]; labels match its rows.
            foreach (var variant in variants)
            {
                string dir = CurvatureExperiment.ArtifactFolder(folder, variant, spec.FirstSeed);
                var ck = CovarianceMatrixFile.ReadMatrix(Path.Combine(dir, $"task-{lastTask}-ck.csv"));
                Assert.HasCount(spec.Training.Statistics!.CovarianceSamples, ck);
                for (int i = 0; i < ck.Length; i++)
                {
                    Assert.AreEqual(1.0, ck[i][i], 1e-5);
                    for (int j = 0; j < i; j++)
                    {
                        Assert.AreEqual(ck[i][j], ck[j][i], 1e-6);
                        Assert.IsTrue(ck[i][j] is >= -1.00001 and <= 1.00001);
                    }
                }
                Assert.HasCount(ck.Length, CovarianceMatrixFile.ReadLabels(Path.Combine(dir, $"task-{lastTask}-ck-labels.csv")));
                foreach (var point in new[] { "initial", $"task-{lastTask}" })
                    foreach (var order in new[] { "label", "kmeans" })
                        AdamExperimentTests.AssertPng(Path.Combine(folder, $"ck-{variant}-{point}-{order}.png"));
                AdamExperimentTests.AssertPng(Path.Combine(folder, $"hessian-density-{variant}.png"));
            }
            foreach (var plot in new[] { "hessian-density-last.png", "hessian-top-eigenvalue.png", "ck-fraction-negative.png" })
                AdamExperimentTests.AssertPng(Path.Combine(folder, plot));

            // A second invocation reuses both runs: their saved files match the panel settings.
            var (exit2, output2) = LabRunner.Run("curvature", "--preset", "smoke", "--out", folder);
            Assert.AreEqual(0, exit2, output2);
            StringAssert.Contains(output2, "Reused 2 finished run(s)");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
