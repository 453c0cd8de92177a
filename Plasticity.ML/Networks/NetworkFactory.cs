using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>Builds <see cref="PlasticNetwork"/> modules from specs, with weights drawn from a seed.</summary>
public static class NetworkFactory
{
    /// <summary>Builds the network described by <paramref name="spec"/>, initialized from <paramref name="seed"/>.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="seed">Decides every initial weight; the same seed gives the same network.</param>
    /// <param name="device">Where the parameters live; CPU when null.</param>
    public static PlasticNetwork Create(NetworkSpec spec, long seed, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var network = Build(spec, seed);
        if (device is not null && device.type != DeviceType.CPU) network.to(device);
        return network;
    }

    /// <summary>The network on the CPU, inside a dispose scope that only its parameters and buffers leave.</summary>
    /// <remarks>TorchSharp's module constructors initialize their weights through chains of temporary tensors
    /// (reset_parameters, CalculateFanInAndFanOut) that nothing holds during the native calls; under a collection on
    /// another thread one was freed mid-call (a SIGSEGV in THSTensor_numel). The scope holds them.</remarks>
    private static PlasticNetwork Build(NetworkSpec spec, long seed)
    {
        using var scope = NewDisposeScope();
        var random = SeedSequence.CreateRandom(seed, "network-init");
        var layers = new List<HiddenLayer>();
        int convolutions = 0;
        int features;

        if (spec.Architecture == NetworkArchitecture.Cnn)
        {
            int channels = spec.InputShape[0], height = spec.InputShape[1], width = spec.InputShape[2];
            var shapes = spec.ConvOutputShapes();
            foreach (int outChannels in spec.ConvChannels)
            {
                var (kernel, stride, padding) = spec.Convolution(convolutions);
                (height, width) = (shapes[convolutions][1], shapes[convolutions][2]);
                var conv = nn.Conv2d(channels, outChannels, kernel, stride: stride, padding: padding);
                nn.Module<Tensor, Tensor>? norm = spec.Normalization switch
                {
                    NormalizationKind.LayerNorm => nn.LayerNorm([outChannels, height, width]),
#pragma warning disable RS0030 // BatchNorm.forward makes a hidden Scalar; HiddenLayer.Normalize never calls it.
                    NormalizationKind.BatchNorm => nn.BatchNorm2d(outChannels),
#pragma warning restore RS0030
                    _ => null,
                };
                layers.Add(new HiddenLayer($"conv{convolutions}", conv, norm, spec.Activation, isConvolution: true, outChannels,
                    sparseInput: spec.SparseInput && convolutions == 0));
                // CReLU and Fourier features emit two channels per unit: the next layer's fan-in follows.
                channels = outChannels * spec.Activation.OutputsPerUnit();
                convolutions++;
            }
            features = channels * height * width;
        }
        else
        {
            features = spec.InputSize;
        }

        foreach (int widthOut in spec.HiddenWidths)
        {
            var linear = nn.Linear(features, widthOut);
            nn.Module<Tensor, Tensor>? norm = spec.Normalization switch
            {
                NormalizationKind.LayerNorm => nn.LayerNorm([widthOut]),
#pragma warning disable RS0030 // BatchNorm.forward makes a hidden Scalar; HiddenLayer.Normalize never calls it.
                NormalizationKind.BatchNorm => nn.BatchNorm1d(widthOut),
#pragma warning restore RS0030
                _ => null,
            };
            layers.Add(new HiddenLayer($"fc{layers.Count - convolutions}", linear, norm, spec.Activation, isConvolution: false, widthOut));
            features = widthOut * spec.Activation.OutputsPerUnit();
        }

        var output = nn.Linear(features, spec.Head.OutputLayerWidth);
        foreach (var layer in layers) ParameterInitializer.InitializeAffine(layer.Affine, random);
        ParameterInitializer.InitializeAffine(output, random);

        var network = new PlasticNetwork(spec, seed, layers, convolutions, output);
        foreach (var parameter in network.parameters()) parameter.DetachFromDisposeScope();
        foreach (var buffer in network.buffers()) buffer.DetachFromDisposeScope();
        return network;
    }
}
