using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Networks.SparseInputs;

namespace Plasticity.ML.Tests.Networks;

/// <summary>
/// The fused pass of a MinAtar-shaped network against the same network run layer by layer in float64 (outputs and every
/// parameter's gradient), the networks and calls that must not take it, the BLAS binding it stands on, and the Hessian,
/// whose double backward needs the layer-by-layer path.
/// </summary>
[TestClass]
public sealed class FusedSparseInputNetworkTests
{
    [TestMethod]
    [DataRow(4, 6, 1, false, DisplayName = "MinAtar preset: 4 x 10 x 10, conv 16 3x3, 128 units, 6 actions")]
    [DataRow(5, 3, 2, false, DisplayName = "two hidden layers (48, 24), padding 1, 5 channels")]
    [DataRow(4, 6, 1, true, DisplayName = "MinAtar preset with LayerNorm")]
    [DataRow(5, 3, 2, true, DisplayName = "two hidden layers with LayerNorm, padding 1")]
    public void MatchesTheLayerByLayerNetworkAndItsGradientsComputedInFloat64(int channels, int actions, int hiddenLayers, bool layerNorm)
    {
        using var scope = NewDisposeScope();
        var spec = NetworkPresets.MinAtar(channels, actions);
        if (hiddenLayers == 2) spec = spec with { HiddenWidths = [48, 24], ConvPaddings = [1], ConvChannels = [12] };
        if (layerNorm) spec = spec with { Normalization = NormalizationKind.LayerNorm };
        using var network = NetworkFactory.Create(spec, seed: 3);
        // LayerNorm's scale and shift away from 1 and 0, so that their gradients and their part in the others are tested.
        using (no_grad())
            foreach (var (name, parameter) in network.named_parameters())
                if (name.Contains("norm")) parameter.add_(randn(parameter.shape, generator: new Generator((ulong)name.Length)).Times(0.3), Scalars.One);
        using var reference = network.DeepCopy();
        reference.to(float64);
        var x = Cells([7, channels, 10, 10], seed: 11, valued: true);
        Assert.IsTrue(FusedPathApplies(network, x), "the fused pass runs on this platform (libtorch exports sgemm)");

        var upstream = randn(7, actions, generator: new Generator(5));
        var output = network.forward(x);
        output.mul(upstream).sum().backward();
        var expected = reference.forward(x.to(float64));
        expected.mul(upstream.to(float64)).sum().backward();

        AssertClose(expected, output, "output");
        var ours = network.named_parameters().ToArray();
        var theirs = reference.named_parameters().ToArray();
        Assert.AreEqual(theirs.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++) AssertClose(theirs[i].parameter.grad!, ours[i].parameter.grad!, ours[i].name);
    }

    [TestMethod]
    public void GradientsAccumulateAcrossBackwardPassesAndReachAutogradGrad()
    {
        using var scope = NewDisposeScope();
        using var network = NetworkFactory.Create(NetworkPresets.MinAtar(4, 6), seed: 8);
        var x = Cells([5, 4, 10, 10], seed: 2, valued: false);
        var parameters = network.parameters().ToArray();
        var once = autograd.grad([SumOfSquares(network.forward(x))], parameters);
        SumOfSquares(network.forward(x)).backward();
        SumOfSquares(network.forward(x)).backward();
        for (int i = 0; i < parameters.Length; i++)
            AssertClose(once[i].add(once[i], Scalars.One), parameters[i].grad!, $"parameter {i}: two backward passes add up");
    }

    [TestMethod]
    public void OtherNetworksAndCallsGoLayerByLayer()
    {
        using var scope = NewDisposeScope();
        var x = Cells([3, 4, 10, 10], seed: 4, valued: false);
        var minAtar = NetworkPresets.MinAtar(4, 6);
        using var plain = NetworkFactory.Create(minAtar, seed: 1);
        Assert.IsTrue(FusedPathApplies(plain, x));
        using (PlasticNetwork.LayerByLayer()) Assert.IsFalse(FusedPathApplies(plain, x), "inside LayerByLayer");
        Assert.IsFalse(FusedPathApplies(plain, x.clone().requires_grad_(true)), "an input whose gradient is wanted");
        Assert.IsFalse(FusedPathApplies(plain, x.to(float64)), "a float64 input");
        foreach (var (what, spec) in new[]
        {
            ("BatchNorm", minAtar with { Normalization = NormalizationKind.BatchNorm }),
            ("Tanh", minAtar with { Activation = ActivationKind.Tanh }),
            ("a dense input", minAtar with { SparseInput = false }),
            ("two convolutions", minAtar with { ConvChannels = [8, 8], ConvKernels = [3, 3], ConvStrides = [1, 1], ConvPaddings = [0, 0] }),
        })
        {
            using var network = NetworkFactory.Create(spec, seed: 1);
            Assert.IsFalse(FusedPathApplies(network, x), what);
        }

        // After a plasticity injection the frozen heads add terms: the network runs layer by layer and still agrees.
        using var injected = NetworkFactory.Create(minAtar, seed: 2);
        using var before = no_grad();
        var unchanged = injected.forward(x);
        injected.InjectPlasticity(1, new Random(3));
        AssertClose(unchanged, injected.forward(x), "an injection leaves the function unchanged");
    }

    [TestMethod]
    [DataRow(ActivationKind.ReLU, DisplayName = "fused network")]
    [DataRow(ActivationKind.Tanh, DisplayName = "sparse convolution alone (Tanh does not fuse)")]
    public void HessianVectorProductsOfASparseInputNetworkEqualTheDenseNetworks(ActivationKind activation)
    {
        using var scope = NewDisposeScope();
        var spec = NetworkPresets.MinAtar(2, 3, gridSize: 6) with { HiddenWidths = [8], ConvChannels = [4], Activation = activation };
        using var sparse = NetworkFactory.Create(spec, seed: 6);
        using var dense = NetworkFactory.Create(spec with { SparseInput = false }, seed: 6);
        var x = Cells([4, 2, 6, 6], seed: 9, valued: true);
        var y = randn(4, 3, generator: new Generator(1));
        var v = randn(sparse.ParameterCount, generator: new Generator(2));
        Tensor Product(PlasticNetwork network)
        {
            using var hessian = new HessianOperator(() => nn.functional.mse_loss(network.forward(x), y), network.parameters().ToArray());
            return hessian.Apply(v);
        }
        // Without the layer-by-layer scope the sparse convolution's weight gradient would not depend on the layers above
        // (H v off by half its size with Tanh; the fused node makes libtorch refuse the double backward).
        AssertClose(Product(dense), Product(sparse), "H v");
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void NativeGemmMultipliesRowMajorMatricesWithPaddedRows(bool transposeA, bool transposeB)
    {
        if (!NativeGemm.IsAvailable) Assert.Inconclusive("libtorch exports no sgemm on this platform.");
        const int m = 3, n = 5, k = 7, pad = 2;
        var random = new Random(4);
        // Stored shapes: A is m x k (k x m when transposed), B is k x n (n x k), C is m x n; each row padded by `pad`.
        int aRows = transposeA ? k : m, aColumns = transposeA ? m : k, bRows = transposeB ? n : k, bColumns = transposeB ? k : n;
        var a = Enumerable.Range(0, aRows * (aColumns + pad)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, bRows * (bColumns + pad)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var c = Enumerable.Range(0, m * (n + pad)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var expected = new double[m, n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0.5 * c[i * (n + pad) + j];
                for (int l = 0; l < k; l++)
                {
                    double left = transposeA ? a[l * (aColumns + pad) + i] : a[i * (aColumns + pad) + l];
                    double right = transposeB ? b[j * (bColumns + pad) + l] : b[l * (bColumns + pad) + j];
                    sum += left * right;
                }
                expected[i, j] = sum;
            }
        var padding = Enumerable.Range(0, m).Select(i => c[i * (n + pad) + n]).ToArray();
        unsafe
        {
            fixed (float* pa = a, pb = b, pc = c)
                NativeGemm.Multiply(transposeA, transposeB, m, n, k, pa, aColumns + pad, pb, bColumns + pad, 0.5f, pc, n + pad);
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) Assert.AreEqual(expected[i, j], c[i * (n + pad) + j], 1e-5, $"C[{i}, {j}]");
            Assert.AreEqual(padding[i], c[i * (n + pad) + n], $"row {i}'s padding is left alone");
        }
    }

    private static Tensor SumOfSquares(Tensor t)
    {
        using var squares = t * t;
        return squares.sum();
    }

    private static bool FusedPathApplies(PlasticNetwork network, Tensor x) =>
        network.Spec.SparseInput && FusedSparseInputNetwork.Fits(network.HiddenLayers, network.OutputLayer)
        && FusedSparseInputNetwork.Applies(network.HiddenLayers, network.OutputLayer, x);
}
