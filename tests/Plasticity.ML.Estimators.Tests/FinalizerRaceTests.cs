using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Testing;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// Retraining and scoring while another thread collects garbage and runs finalizers without pause, the way a service
/// that retrains and drops its old models (never disposing them) loads the finalizer thread. A temporary tensor that the
/// code stops referencing before libtorch is done with it gets freed mid-call under this load: before the mend, this
/// loop crashed the process ("malloc(): unsorted double linked list corrupted", a SIGSEGV in <c>at::native::reshape</c>).
/// The models must also come out bit for bit as without the load.
/// </summary>
[TestClass]
public sealed class FinalizerRaceTests
{
    public sealed class WideRow
    {
        [VectorType(64)] public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    [TestMethod]
    public void RetrainingAndScoringSurviveCollectionsOnAnotherThreadAndGiveTheSameModels()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(2);
        var rows = Enumerable.Range(0, 64).Select(_ => new WideRow
        {
            Features = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray(),
            Label = (float)random.NextDouble(),
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        // Wide layers (1.2 MB of native memory per model) keep the finalizer thread busy with the dropped models.
        var trainer = ml.Regression.Trainers.PlasticNeuralNetwork(new PlasticRegressionTrainer.Options
        {
            HiddenWidths = [512, 512], Epochs = 1, ValidationFraction = 0, MinimumSteps = 0, Seed = 3,
        });
        float[] Retrain() => trainer.Fit(data).Transform(data).GetColumn<float>("Score").ToArray();

        var expected = Retrain();
        int retrains = 0;
        using (FinalizerRaceStress.Collecting())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < 15)
            {
                CollectionAssert.AreEqual(expected, Retrain(), $"retrain {retrains}");
                retrains++;
            }
        }
        Console.WriteLine($"{retrains} retrains under constant collection.");
    }
}
