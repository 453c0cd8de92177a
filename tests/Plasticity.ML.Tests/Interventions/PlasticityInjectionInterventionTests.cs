using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Training;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class PlasticityInjectionInterventionTests
{
    /// <summary>Listed before the injection: records the network's output after each optimizer step, before the injection acts.</summary>
    private sealed class OutputRecorder(Tensor x) : TrainingHook
    {
        public float[] Last { get; private set; } = [];

        public override void AfterStep(TrainingContext context)
        {
            using var noGrad = no_grad();
            using var output = context.Network.forward(x);
            Last = output.data<float>().ToArray();
        }
    }

    [TestMethod]
    public void InjectsOnceAtTheChosenStepWithoutChangingTheFunctionAndWithAFreshHeadState()
    {
        using var network = Mlp(4, [5, 5], 2, seed: 9);
        using var optimizer = Adam(network);
        using var x = Uniform(6, 4, seed: 1, low: -1);
        using var y = Uniform(6, 2, seed: 2, low: -1);
        var recorder = new OutputRecorder(x);
        var spec = new PlasticityInjectionSpec { HeadLayers = 2, Timing = InterventionTiming.Every(3) };
        var session = new TrainingSession(network, optimizer, [recorder, spec.CreateHook()], seed: 4);
        session.Start();
        for (int step = 1; step <= 7; step++)
        {
            using var scope = NewDisposeScope();
            session.Step(x, () => nn.functional.mse_loss(network.forward(x), y));
            if (step != 3) continue;
            Assert.AreEqual(1, network.Injection!.Count, "injected after step 3");
            using (no_grad())
                CollectionAssert.AreEqual(recorder.Last, network.forward(x).data<float>().ToArray(), "the function is unchanged at the injection");
            foreach (var p in network.HiddenLayers[1].parameters().Concat(network.OutputLayer.parameters()))
                foreach (var (name, state) in optimizer.StateOf(p))
                    Assert.AreEqual(0f, state.abs().max().item<float>(), $"{name} of the head is zeroed");
        }
        Assert.AreEqual(1, network.Injection!.Count, "MaxInjections = 1: only once");
        Assert.ThrowsExactly<ArgumentException>(() => new PlasticityInjectionSpec { HeadLayers = 4 }.CreateHook().OnTrainingStart(Context(network, optimizer)));
    }
}
