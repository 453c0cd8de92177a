using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Testing;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// The ML.NET trainers with their default options (LayerNorm, held-out rows, early stopping with best-weights restore,
/// standardized regression labels) on two threads, each fitting, saving, loading, scoring and dropping models without Dispose, while a
/// third thread forces collections and finalizers without pause: the finalizer thread frees dropped models' weights
/// and every hidden TorchSharp Scalar while the other two train. The runs must finish with the same scores as alone.
/// </summary>
[TestClass]
public sealed class CollectionStressTests
{
    private static float[] FitAndScore(int seed, bool regression, int times)
    {
        float[] scores = [];
        for (int i = 0; i < times; i++)
        {
            // A fresh context per fit: each fit then draws the same seed and must give the same model.
            var ml = new MLContext(seed: seed);
            if (regression)
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(200, seed));
                var model = ml.Regression.Trainers.PlasticNeuralNetwork().Fit(data);
                // Saved and loaded too: the loaded copy is also dropped to the finalizer.
                using var file = new MemoryStream();
                ml.Model.Save(model, data.Schema, file);
                file.Position = 0;
                scores = SyntheticData.Scores(ml.Model.Load(file, out _).Transform(data));
            }
            else
            {
                var data = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(200, seed));
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork());
                var model = pipeline.Fit(data);
                scores = model.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
            }
            // The model is dropped here without Dispose: its finalizer frees its weights on the finalizer thread.
        }
        return scores;
    }

    [TestMethod]
    public void TwoFitsSurviveCollectionsAndFinalizersOnAThirdThread()
    {
        const int times = 2;
        var aloneRegression = FitAndScore(1, regression: true, 1);
        var aloneMulticlass = FitAndScore(2, regression: false, 1);

        float[]? regression = null, multiclass = null;
        int collectionsBefore = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        using (FinalizerRaceStress.Collecting())
        {
            var a = new Thread(() => regression = FitAndScore(1, regression: true, times));
            var b = new Thread(() => multiclass = FitAndScore(2, regression: false, times));
            a.Start();
            b.Start();
            a.Join();
            b.Join();
        }

        int collections = GC.CollectionCount(2) - collectionsBefore;
        Assert.IsGreaterThan(50, collections, $"only {collections} full collections in {clock.Elapsed.TotalSeconds:F1} s; the stress did not happen");
        // Each fit is seeded by its MLContext: under collections, side by side, a fit scores as the one alone.
        CollectionAssert.AreEqual(aloneRegression, regression, "regression side by side vs alone");
        CollectionAssert.AreEqual(aloneMulticlass, multiclass, "multiclass side by side vs alone");
    }
}
