using Plasticity.ML.Common;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Tests.Training;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class ChurnReductionTests
{
    [TestMethod]
    public void TheTermIsLambdaTimesTheChangeOfTheReferencePredictionsSinceBeforeThePreviousUpdate()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [5], 3, seed: 6);
        using var optimizer = Adam(network);
        var spec = new ChurnReductionSpec { ReferenceBatch = 7, InitialCoefficient = 2.5, AdaptAfterSteps = 1_000 };
        var hook = new ChurnReductionHook(spec);
        var session = new TrainingSession(network, optimizer, [hook], seed: 12);
        using var pool = Uniform(30, 4, seed: 3, low: -1);
        using var x = Uniform(5, 4, seed: 4, low: -1);
        using var y = Uniform(5, 3, seed: 5, low: -1);
        session.Start();
        session.BeginTask(0, new FixedObservations(pool));

        using var theta0 = network.DeepCopy();
        var first = session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
        Assert.AreEqual(first.Loss, first.TotalLoss, "no previous update to compare with at the first step");

        // Step 2 compares theta_1 (now) with theta_0 on the stream's first reference batch.
        var stream = RandomStream.For(12, "churn-reduction");
        using var reference = new FixedObservations(pool).Sample(7, stream);
        double expected;
        using (no_grad())
        {
            using var now = network.Predict(reference);
            using var before = theta0.Predict(reference);
            expected = nn.functional.mse_loss(now, before).item<float>();
        }
        var second = session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
        Assert.AreEqual(expected, hook.LastChurnLoss, 1e-7, "the churn term's mean squared change");
        Assert.AreEqual(second.Loss + 2.5 * expected, second.TotalLoss, 1e-5, "scaled by lambda and added to the task loss");
        Assert.IsGreaterThan(0, expected);
    }

    [TestMethod]
    public void TheAdaptiveCoefficientKeepsTheChurnTermAFixedFractionOfTheTaskLoss()
    {
        using var network = Mlp(4, [5], 3, seed: 7);
        using var optimizer = Adam(network);
        var hook = new ChurnReductionHook(new ChurnReductionSpec { ReferenceBatch = 6, AdaptAfterSteps = 0, TargetRelativeScale = 0.01 });
        var session = new TrainingSession(network, optimizer, [hook], seed: 13);
        using var pool = Uniform(30, 4, seed: 8, low: -1);
        using var x = Uniform(5, 4, seed: 9, low: -1);
        using var y = Uniform(5, 3, seed: 10, low: -1);
        session.Start();
        session.BeginTask(0, new FixedObservations(pool));
        var taskLosses = new List<double>();
        var churn = new List<double>();
        for (int step = 1; step <= 4; step++)
        {
            using var scope = NewDisposeScope();
            var outcome = session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
            taskLosses.Add(outcome.Loss);
            if (step >= 2) churn.Add(hook.LastChurnLoss);
            if (step == 1)
            {
                Assert.AreEqual(50.0, hook.Coefficient, "no churn measured yet: the initial coefficient stays");
                continue;
            }
            double expected = 0.01 * taskLosses.Average(Math.Abs) / (churn.Average() + 1e-8);
            Assert.AreEqual(expected, hook.Coefficient, 1e-9 * expected, $"after step {step}");
        }
    }
}
