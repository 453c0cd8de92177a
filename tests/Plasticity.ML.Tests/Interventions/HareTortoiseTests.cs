using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
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

    /// <summary>A tiny network trained on fixed data with Hare &amp; Tortoise (resetting every <paramref name="resetEvery"/>
    /// steps) and a plasticity injection of the last layer after the first step.</summary>
    private sealed class InjectedRun : IDisposable
    {
        public InjectedRun(double learningRate, int resetEvery)
        {
            Network = Mlp(4, [3], 2, seed: 5);
            optimizer = new PlasticOptimizer(Network.parameters(), new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = learningRate });
            HareTortoise = new HareTortoiseHook(new HareTortoiseSpec { Momentum = 0.9, Timing = InterventionTiming.Every(resetEvery) });
            var injection = new PlasticityInjectionSpec { HeadLayers = 1, Timing = InterventionTiming.Every(1) }.CreateHook();
            session = new TrainingSession(Network, optimizer, [HareTortoise, injection], seed: 1);
            X = Uniform(6, 4, seed: 1, low: -1);
            y = Uniform(6, 2, seed: 2, low: -1);
            session.Start();
        }

        private readonly IPlasticOptimizer optimizer;
        private readonly TrainingSession session;
        private readonly Tensor y;

        public PlasticNetwork Network { get; }
        public HareTortoiseHook HareTortoise { get; }
        public Tensor X { get; }

        public void Step()
        {
            using var scope = NewDisposeScope();
            session.Step(X, () => nn.functional.mse_loss(Network.forward(X), y));
        }

        public void Dispose()
        {
            optimizer.Dispose();
            Network.Dispose();
            X.Dispose();
            y.Dispose();
        }
    }

    [TestMethod]
    public void AfterAPlasticityInjectionTheHeadsTortoiseStartsFromTheFreshHeadSoAResetKeepsTheFunction()
    {
        using var tensors = NewDisposeScope();
        // A learning rate of 1e-9: the weights barely move, so the function before and after must agree to rounding.
        using var run = new InjectedRun(learningRate: 1e-9, resetEvery: 2);
        using var before = run.Network.forward(run.X).detach();

        run.Step(); // injects after this step
        Assert.AreEqual(1, run.Network.Injection!.Count);
        run.Step(); // the hare is reset to the tortoise
        Assert.AreEqual(1, run.HareTortoise.Actions);

        // The live head holds the fresh head again (not the old head's average, which the frozen part already adds).
        using var after = run.Network.forward(run.X).detach();
        AssertClose(before, after, 1e-5, "the network's function after injection and reset");
    }

    [TestMethod]
    public void AfterAPlasticityInjectionTheBodysTortoiseKeepsItsAverage()
    {
        using var tensors = NewDisposeScope();
        using var run = new InjectedRun(learningRate: 1e-3, resetEvery: 100);
        run.Step();
        run.Step();

        var parameters = run.Network.parameters().ToArray();
        var head = run.Network.ParameterLayers[^1].parameters().Select(p => p.Handle).ToHashSet();
        Assert.AreEqual(2, head.Count);
        for (int i = 0; i < parameters.Length; i++)
        {
            double difference = MaxAbsDifference(parameters[i].detach(), run.HareTortoise.Tortoise[i]);
            if (head.Contains(parameters[i].Handle))
                Assert.IsTrue(difference < 1e-6, $"parameter {i} (head): the tortoise restarted from the fresh head; |difference| = {difference:g4}");
            else
                Assert.IsTrue(difference > 1e-5, $"parameter {i} (body): the tortoise still lags the hare; |difference| = {difference:g4}");
        }
    }
}
