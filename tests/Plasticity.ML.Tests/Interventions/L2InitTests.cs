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

    [TestMethod]
    public void AfterAPlasticityInjectionTheHeadIsAnchoredAtItsFreshDraw()
    {
        using var tensors = NewDisposeScope();
        using var network = Mlp(4, [3], 2, seed: 3);
        using var optimizer = Adam(network);
        var context = Context(network, optimizer);
        var hook = new L2InitSpec { Lambda = 1 }.CreateHook();
        hook.OnTrainingStart(context);
        var head = network.ParameterLayers[^1].parameters().Select(p => p.Handle).ToHashSet();

        // The body moves by 0.1 per weight; then the head (last layer) is injected, i.e. drawn afresh.
        double expected = 0;
        using var step = 0.1.ToScalar();
        using (no_grad())
            foreach (var p in network.parameters().Where(p => !head.Contains(p.Handle)))
            {
                p.add_(ones_like(p), step);
                expected += 0.01 * p.numel();
            }
        network.InjectPlasticity(1, new Random(9));

        // The head sits at its new initialization, so only the body's distance counts.
        Assert.AreEqual(expected, hook.AdditionalLoss(context)!.item<float>(), 1e-5 * expected);
        Assert.IsTrue(expected > 0);
    }
}
