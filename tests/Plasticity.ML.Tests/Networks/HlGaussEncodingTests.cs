using MathNet.Numerics;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Networks;

[TestClass]
public sealed class HlGaussEncodingTests
{
    /// <summary>The paper's histogram by hand, in float64: erf differences over the edges, normalized to the support.</summary>
    private static double[] HandHistogram(double y, int bins, double min, double max, double sigmaRatio)
    {
        double width = (max - min) / (bins - 1);
        double sigma = sigmaRatio * width;
        double clamped = Math.Clamp(y, min, max);
        var edges = Enumerable.Range(0, bins + 1).Select(k => min - width / 2 + k * width).ToArray();
        var cdf = edges.Select(e => 0.5 * (1 + SpecialFunctions.Erf((e - clamped) / (sigma * Math.Sqrt(2))))).ToArray();
        double total = cdf[bins] - cdf[0];
        return Enumerable.Range(0, bins).Select(i => (cdf[i + 1] - cdf[i]) / total).ToArray();
    }

    [TestMethod]
    [DataRow(0.3)]
    [DataRow(-1.05)]
    [DataRow(1.9)]
    [DataRow(2.0)]
    [DataRow(7.5)]
    public void TargetsAreTheGaussianMassOfEachBinNormalizedToTheSupport(double y)
    {
        var encoding = new HlGaussEncoding(bins: 9, min: -2, max: 2, sigmaRatio: 0.75);
        using var values = tensor(new[] { y });
        using var probs = encoding.Encode(values);
        CollectionAssert.AreEqual(new long[] { 1, 9 }, probs.shape);
        var actual = probs.data<double>().ToArray();
        var expected = HandHistogram(y, 9, -2, 2, 0.75);
        for (int i = 0; i < 9; i++) Assert.AreEqual(expected[i], actual[i], 1e-12, $"bin {i} of y = {y}");
        Assert.AreEqual(1.0, actual.Sum(), 1e-12);
    }

    [TestMethod]
    public void TheSameBinsAsTwoHotAndASymmetricTargetDecodesToItself()
    {
        var head = new HeadSpec { Kind = HeadKind.HlGauss, Bins = 51, Min = -2, Max = 2 };
        var gauss = HlGaussEncoding.For(head);
        var twoHot = TwoHotEncoding.For(head with { Kind = HeadKind.TwoHot });
        using var a = gauss.Support();
        using var b = twoHot.Support();
        CollectionAssert.AreEqual(b.data<float>().ToArray(), a.data<float>().ToArray());
        Assert.AreEqual(0.75 * 0.08, gauss.Sigma, 1e-15);
        // A target on a bin centre far from the edges: the Gaussian is symmetric about it, so the expectation is the target.
        using var values = tensor(new float[] { 0.4f, -0.64f });
        using var decoded = gauss.Decode(gauss.Encode(values));
        var d = decoded.data<float>().ToArray();
        Assert.AreEqual(0.4, d[0], 1e-5);
        Assert.AreEqual(-0.64, d[1], 1e-5);
        Assert.AreEqual(ScalarType.Float32, decoded.dtype, "the encoding comes back in the values' dtype");
    }

    [TestMethod]
    public void AnHlGaussHeadTrainsWithCrossEntropyAgainstItsEncoding()
    {
        using var tensors = NewDisposeScope();
        var head = new HeadSpec { Kind = HeadKind.HlGauss, Outputs = 2, Bins = 7, Min = -3, Max = 3, SigmaRatio = 0.5 };
        var objective = new TrainingObjective(head, TargetKind.Regression, 2, LossKind.Auto);
        Assert.AreEqual(LossKind.HlGaussCrossEntropy, objective.Loss);
        Assert.IsInstanceOfType<HlGaussEncoding>(objective.Categorical);
        using var net = NetworkFactory.Create(new NetworkSpec { InputShape = [4], HiddenWidths = [5], Head = head }, seed: 2);
        using var x = rand(3, 4);
        using var y = tensor(new float[] { 0.5f, -1, 2.5f, 0, -2.9f, 1.2f }).view(3, 2);
        using var raw = net.forward(x);
        CollectionAssert.AreEqual(new long[] { 3, 14 }, raw.shape);
        using var loss = objective.ComputeLoss(raw, y);

        var logits = raw.detach().view(3, 2, 7).log_softmax(-1).to_type(ScalarType.Float64).data<double>().ToArray();
        var targets = y.data<float>().ToArray();
        double expected = 0;
        for (int r = 0; r < 6; r++)
        {
            var p = HandHistogram(targets[r], 7, -3, 3, 0.5);
            for (int k = 0; k < 7; k++) expected -= p[k] * logits[r * 7 + k];
        }
        Assert.AreEqual(expected / 6, loss.item<float>(), 1e-5);
        Assert.ThrowsExactly<ArgumentException>(() => new TrainingObjective(head, TargetKind.Regression, 2, LossKind.TwoHotCrossEntropy));
    }

    [TestMethod]
    public void BadSettingsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HlGaussEncoding(5, 0, 1, sigmaRatio: 0));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new HeadSpec { Kind = HeadKind.HlGauss, SigmaRatio = double.NaN }.Validate());
        StringAssert.Contains(error.Message, "SigmaRatio");
    }
}
