using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class HareTortoiseTests
{
    [TestMethod]
    public void TheTortoiseIsTheExponentialMovingAverageOfTheHareAndTheHareIsResetToIt()
    {
        using var tensors = NewDisposeScope();
        const double m = 0.8;
        using var network = Mlp(4, [3], 2, seed: 5);
        using var optimizer = Adam(network);
        var hook = new HareTortoiseHook(new HareTortoiseSpec { Momentum = m, Timing = InterventionTiming.Every(4) });
        var session = new TrainingSession(network, optimizer, [hook], seed: 1);
        using var x = Uniform(6, 4, seed: 1, low: -1);
        using var y = Uniform(6, 2, seed: 2, low: -1);
        session.Start();

        // By hand, in float64: T_0 = theta_0, T_t = m T_(t-1) + (1 - m) theta_t after each step.
        var expected = network.parameters().Select(p => p.detach().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
        for (int step = 1; step <= 4; step++)
        {
            using var scope = NewDisposeScope();
            session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
            // Steps 1-3: the hare after the optimizer step is what the average takes in. Step 4 also resets the hare.
            var stepped = step < 4 ? network.parameters().Select(p => p.detach().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray() : null;
            if (stepped is null)
            {
                // At step 4 the hare was reset to the tortoise: hare == tortoise now, and tortoise = m T_3 + (1 - m) theta_4.
                var tortoise = hook.Tortoise.Select(t => t.to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
                var hare = network.parameters().Select(p => p.detach().to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
                for (int i = 0; i < hare.Length; i++) CollectionAssert.AreEqual(tortoise[i], hare[i], $"parameter {i}: the hare holds the tortoise's weights after the reset");
                continue;
            }
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < expected[i].Length; k++) expected[i][k] = m * expected[i][k] + (1 - m) * stepped[i][k];
            var actual = hook.Tortoise.Select(t => t.to_type(ScalarType.Float64).data<double>().ToArray()).ToArray();
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < expected[i].Length; k++)
                    Assert.AreEqual(expected[i][k], actual[i][k], 1e-6, $"step {step}, parameter {i}[{k}]");
        }
        Assert.AreEqual(1, hook.Actions);
    }
}
