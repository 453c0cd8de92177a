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
    [TestMethod]
    public void RetrainingAndScoringSurviveCollectionsOnAnotherThreadAndGiveTheSameModels()
    {
        // Wide layers (1.2 MB of native memory per model) keep the finalizer thread busy with the dropped models.
        var service = new WideRetraining();
        float[] Retrain() => service.Fit().Transform(service.Data).GetColumn<float>("Score").ToArray();

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
