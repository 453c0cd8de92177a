using Plasticity.ML.Networks;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

[TestClass]
public sealed class TwoHotEncodingTests
{
    [TestMethod]
    public void ValueBetweenBinsSplitsItsMassInProportionToDistance()
    {
        var encoding = new TwoHotEncoding(bins: 5, min: 0, max: 4); // bins at 0, 1, 2, 3, 4
        using var values = tensor(new float[] { 1.25f });
        using var probs = encoding.Encode(values);
        CollectionAssert.AreEqual(new float[] { 0, 0.75f, 0.25f, 0, 0 }, probs.data<float>().ToArray());
    }

    [TestMethod]
    public void EncodeThenDecodeRoundTripsValuesInsideTheSupport()
    {
        using var tensors = NewDisposeScope();
        var encoding = new TwoHotEncoding(bins: 51, min: -2, max: 2);
        using var values = tensor(new float[] { -2f, -1.337f, 0f, 0.04f, 1.999f, 2f }).reshape(2, 3);
        using var probs = encoding.Encode(values);
        CollectionAssert.AreEqual(new long[] { 2, 3, 51 }, probs.shape);
        using var sums = probs.sum(-1);
        Assert.IsLessThan(1e-6, sums.Minus(1).abs().max().item<float>());
        using var decoded = encoding.Decode(probs);
        Assert.IsLessThan(1e-5, (decoded - values).abs().max().item<float>());
    }

    [TestMethod]
    public void ValuesOutsideTheSupportAreClamped()
    {
        var encoding = new TwoHotEncoding(bins: 3, min: -1, max: 1);
        using var values = tensor(new float[] { -5f, 5f });
        using var decoded = encoding.Decode(encoding.Encode(values));
        CollectionAssert.AreEqual(new float[] { -1f, 1f }, decoded.data<float>().ToArray());
    }

    [TestMethod]
    public void TwoHotNetworkPredictsTheExpectationOfItsSoftmax()
    {
        using var tensors = NewDisposeScope();
        var spec = new NetworkSpec { InputShape = [4], HiddenWidths = [5], Head = new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 2, Bins = 7, Min = -3, Max = 3 } };
        using var net = NetworkFactory.Create(spec, seed: 2);
        using var x = rand(3, 4);
        using var raw = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 3, 14 }, raw.shape);
        using var prediction = net.Predict(x);
        using var support = linspace(-3, 3, 7);
        using var expected = (raw.view(3, 2, 7).softmax(-1) * support).sum(-1);
        Assert.IsLessThan(1e-6, (prediction - expected).abs().max().item<float>());
    }
}
