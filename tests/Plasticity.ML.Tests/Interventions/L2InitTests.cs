using Plasticity.ML.Interventions;
using Plasticity.ML.Common;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class L2InitTests
{
    [TestMethod]
    public void GradientIsTwoLambdaTimesDistanceFromInitialParameters()
    {
        using var tensors = NewDisposeScope();
        const double lambda = 0.03;
        using var network = Mlp(4, [3], 2, seed: 3);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new L2InitSpec { Lambda = lambda }.CreateHook();
        hook.OnTrainingStart(context);
        var initial = Snapshot(network);

        // Move every parameter by a known, varied offset.
        using (no_grad())
        {
            int k = 0;
            foreach (var p in network.parameters())
            {
                using var count = p.numel().ToScalar();
                p.add_(arange(Scalars.Zero, count, Scalars.One).reshape(p.shape).to_type(p.dtype).Times(0.01).Plus(0.1 * ++k), Scalars.One);
            }
        }

        var loss = hook.AdditionalLoss(context)!;
        double expectedLoss = 0;
        foreach (var (p, p0) in network.parameters().Zip(initial)) expectedLoss += (p.detach().to_type(ScalarType.Float64) - p0.to_type(ScalarType.Float64)).Squared().sum().item<double>();
        Assert.AreEqual(lambda * expectedLoss, loss.item<float>(), 1e-5 * lambda * expectedLoss);

        optimizer.ZeroGrad();
        loss.backward();
        foreach (var (p, p0) in network.parameters().Zip(initial))
            AssertClose((p.detach() - p0).Times(2 * lambda), p.grad!, 1e-6, "gradient of L2-init");
    }

    [TestMethod]
    public void EveryNStepsAddsThePenaltyOnlyInThoseSteps()
    {
        using var network = Mlp(4, [3], 2, seed: 3);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new L2InitSpec { Lambda = 1, Timing = InterventionTiming.Every(3) }.CreateHook();
        hook.OnTrainingStart(context);
        context.GlobalStep = 0;
        Assert.IsNull(hook.AdditionalLoss(context), "step 1 is not a multiple of 3");
        context.GlobalStep = 2;
        Assert.IsNotNull(hook.AdditionalLoss(context), "step 3 is");
    }
}
