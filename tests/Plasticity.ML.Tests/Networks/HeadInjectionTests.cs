using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

[TestClass]
public sealed class HeadInjectionTests
{
    private static PlasticNetwork Network(NormalizationKind normalization = NormalizationKind.LayerNorm) => NetworkFactory.Create(new NetworkSpec
    {
        InputShape = [6],
        HiddenWidths = [8, 7],
        Normalization = normalization,
        Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 3 },
    }, seed: 11);

    private static float[] Values(Tensor t) => t.FloatValues();

    [TestMethod]
    [DataRow(true, DisplayName = "training mode")]
    [DataRow(false, DisplayName = "evaluation mode")]
    public void InjectionLeavesTheFunctionUnchangedExactlyAndGivesTheHeadFreshWeights(bool training)
    {
        using var net = Network();
        net.train(training);
        using var x = randn(10, 6);
        float[] before;
        using (no_grad()) before = Values(net.forward(x));
        var headBefore = Values(net.HiddenLayers[1].Weight);
        var bodyBefore = Values(net.HiddenLayers[0].Weight);

        net.InjectPlasticity(headLayers: 2, new Random(3));

        float[] after;
        using (no_grad()) after = Values(net.forward(x));
        CollectionAssert.AreEqual(before, after, "the output is the same, bit for bit");
        Assert.AreEqual(1, net.Injection!.Count);
        Assert.AreEqual(1, net.Injection.FirstLayer, "a 2-layer head of a 3-layer network starts at parameter layer 1");
        CollectionAssert.AreEqual(bodyBefore, Values(net.HiddenLayers[0].Weight), "the body is untouched");
        CollectionAssert.AreNotEqual(headBefore, Values(net.HiddenLayers[1].Weight), "the live head is drawn fresh");
        CollectionAssert.AreEqual(headBefore, Values(net.Injection.FrozenHeads[0].HiddenLayers[1].Weight), "the old head is kept frozen");
        CollectionAssert.AreEqual(Values(net.HiddenLayers[1].Weight), Values(net.Injection.FrozenCopies[0].HiddenLayers[1].Weight), "the copy is of the fresh head");
        Assert.IsFalse(net.Injection.FrozenHeads[0].parameters().Any(p => p.requires_grad), "frozen parts do not train");
        Assert.AreEqual(6 * 8 + 8 + 8 + 8 + 8 * 7 + 7 + 7 + 7 + 7 * 3 + 3, net.ParameterCount, "the trainable parameters are the network's own");
    }

    [TestMethod]
    public void OnlyTheLiveNetworkTrainsAndASecondInjectionIsExactToo()
    {
        using var net = Network(NormalizationKind.None);
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions { LearningRate = 1e-2 }, net.parameters());
        using var x = randn(10, 6);
        using var y = randn(10, 3);
        net.InjectPlasticity(headLayers: 1, new Random(1));
        var frozen = Values(net.Injection!.FrozenHeads[0].OutputLayer.weight!);
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            nn.functional.mse_loss(net.forward(x), y).backward();
            optimizer.Step();
        }
        CollectionAssert.AreEqual(frozen, Values(net.Injection.FrozenHeads[0].OutputLayer.weight!), "the frozen head did not move");

        float[] before;
        using (no_grad()) before = Values(net.forward(x));
        net.InjectPlasticity(headLayers: 1, new Random(2));
        float[] after;
        using (no_grad()) after = Values(net.forward(x));
        CollectionAssert.AreEqual(before, after, "a second injection folds the current head function in, bit for bit");
        Assert.AreEqual(2, net.Injection.Count);
        Assert.ThrowsExactly<InvalidOperationException>(() => net.InjectPlasticity(headLayers: 2, new Random(3)), "the head is fixed once injected");
    }

    [TestMethod]
    public void ACopyCarriesTheInjection()
    {
        using var net = Network();
        net.InjectPlasticity(headLayers: 2, new Random(4));
        using (no_grad())
        {
            using var factor = 1.01.ToScalar();
            foreach (var p in net.parameters()) p.mul_(factor);
        }
        using var copy = net.DeepCopy();
        using var x = randn(5, 6);
        using var a = net.forward(x);
        using var b = copy.forward(x);
        CollectionAssert.AreEqual(Values(a), Values(b));
        Assert.AreEqual(1, copy.Injection!.Count);
        Assert.AreNotSame(net.Injection!.FrozenHeads[0], copy.Injection.FrozenHeads[0]);
    }
}
