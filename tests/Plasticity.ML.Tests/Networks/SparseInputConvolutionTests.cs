using Plasticity.ML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Networks.SparseInputs;

namespace Plasticity.ML.Tests.Networks;

/// <summary>
/// The scatter convolution over sparse inputs against libtorch's <c>conv2d</c> computed in float64: outputs, weight and
/// bias gradients, for MinAtar's geometry and for odd ones (channels not a multiple of 8, stride, padding, values other
/// than 1); and the network paths that must keep using the dense convolution.
/// </summary>
[TestClass]
public sealed class SparseInputConvolutionTests
{
    [TestMethod]
    [DataRow(4, 16, 3, 1, 0, 10, DisplayName = "MinAtar: 4 x 10 x 10, 16 channels 3x3/1")]
    [DataRow(3, 5, 3, 1, 1, 7, DisplayName = "5 channels (not a multiple of 8), padding 1")]
    [DataRow(2, 8, 4, 2, 1, 9, DisplayName = "4x4 stride 2 padding 1")]
    [DataRow(1, 12, 2, 3, 0, 11, DisplayName = "2x2 stride 3")]
    [DataRow(3, 16, 3, 1, 1, 7, DisplayName = "16 channels, padding 1")]
    [DataRow(2, 32, 2, 1, 0, 9, DisplayName = "2x2, 32 channels")]
    [DataRow(10, 16, 3, 1, 0, 10, DisplayName = "10 channels, Seaquest's shape")]
    public void MatchesTheDenseConvolutionAndItsGradientsComputedInFloat64(int inChannels, int outChannels, int kernel, int stride, int padding, int size)
    {
        using var scope = NewDisposeScope();
        var generator = new Random(inChannels * 100 + kernel);
        // About one cell in eight set, to 1 or (in the second half of the batch) to arbitrary values of either sign.
        var cells = new float[6 * inChannels * size * size];
        for (int i = 0; i < cells.Length; i++)
            if (generator.NextDouble() < 0.125) cells[i] = i < cells.Length / 2 ? 1f : (float)(generator.NextDouble() * 4 - 2);
        var input = tensor(cells).view(6, inChannels, size, size);
        using var conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding);
        Assert.IsTrue(SparseInputConvolution.Applies(input, conv));

        var output = SparseInputConvolution.Run(input, conv);
        var upstream = randn(output.shape, generator: new Generator(3));
        output.mul(upstream).sum().backward();

        // The reference: the same convolution in float64 by libtorch, with float64 gradients.
        var weight64 = conv.weight!.detach().to(float64).requires_grad_(true);
        var bias64 = conv.bias!.detach().to(float64).requires_grad_(true);
        var expected = nn.functional.conv2d(input.to(float64), weight64, bias64, [stride, stride], [padding, padding]);
        expected.mul(upstream.to(float64)).sum().backward();

        CollectionAssert.AreEqual(expected.shape, output.shape);
        AssertClose(expected, output, "output");
        AssertClose(weight64.grad!, conv.weight.grad!, "weight gradient");
        AssertClose(bias64.grad!, conv.bias.grad!, "bias gradient");
    }

    [TestMethod]
    public void ARowConvolvesToTheSameBitsAloneAsInABatch()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(4, 16, 3);
        var batch = Cells([9, 4, 10, 10], seed: 5);
        using var noGrad = no_grad();
        var together = SparseInputConvolution.Run(batch, conv);
        for (int i = 0; i < 9; i++)
        {
            var alone = SparseInputConvolution.Run(batch[TensorIndex.Slice(i, i + 1)], conv);
            Assert.IsTrue(alone.eq(together[TensorIndex.Slice(i, i + 1)]).all().item<bool>(), $"row {i} differs alone and in the batch");
        }
    }

    [TestMethod]
    public void ASparseNetworkTrainsAsTheDenseOneToFloatRounding()
    {
        using var scope = NewDisposeScope();
        var spec = NetworkPresets.MinAtar(channels: 4, actions: 6);
        Assert.IsTrue(spec.SparseInput, "MinAtar's preset marks its input sparse");
        using var sparse = NetworkFactory.Create(spec, seed: 4);
        using var dense = NetworkFactory.Create(spec with { SparseInput = false }, seed: 4);
        var x = Cells([16, 4, 10, 10], seed: 6);
        var y = randn(16, 6, generator: new Generator(7));
        foreach (var net in new[] { sparse, dense })
        {
            nn.functional.mse_loss(net.forward(x), y).backward();
        }
        var sparseParameters = sparse.named_parameters().ToArray();
        var denseParameters = dense.named_parameters().ToArray();
        Assert.AreEqual(denseParameters.Length, sparseParameters.Length, "the sparse path adds no parameter");
        for (int i = 0; i < sparseParameters.Length; i++)
        {
            Assert.AreEqual(denseParameters[i].name, sparseParameters[i].name);
            AssertClose(denseParameters[i].parameter.grad!, sparseParameters[i].parameter.grad!, sparseParameters[i].name);
        }
    }

    [TestMethod]
    public void InputsThatNeedTheirGradientOrAreNotFloat32UseTheDenseConvolution()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(2, 4, 3);
        var input = Cells([2, 2, 6, 6], seed: 7);
        Assert.IsTrue(SparseInputConvolution.Applies(input, conv));
        Assert.IsFalse(SparseInputConvolution.Applies(input.to(float64), conv), "a float64 batch");
        Assert.IsFalse(SparseInputConvolution.Applies(input.clone().requires_grad_(true), conv), "an input whose gradient is wanted");
        using (no_grad())
            Assert.IsTrue(SparseInputConvolution.Applies(input.clone().requires_grad_(true), conv), "no gradient is computed under no_grad");
        Assert.IsFalse(SparseInputConvolution.Applies(input.view(2, 2, 36), conv), "not a 4-d batch");

        // A network in float64 (the tests' reference precision) still runs and differentiates through its input.
        using var net = NetworkFactory.Create(NetworkPresets.MinAtar(channels: 2, actions: 3, gridSize: 6), seed: 1);
        net.to(float64);
        var x = input.to(float64).requires_grad_(true);
        net.forward(x).sum().backward();
        Assert.IsNotNull(x.grad);
        Assert.IsTrue(x.grad.abs().sum().item<double>() > 0);
    }
}
