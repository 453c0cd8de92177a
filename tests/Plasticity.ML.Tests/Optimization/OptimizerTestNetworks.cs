using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>A small real network and fixed data shared by the optimizer tests.</summary>
internal static class OptimizerTestNetworks
{
    public static NetworkSpec Spec(bool layerNorm = false) => new()
    {
        InputShape = [12],
        HiddenWidths = [16, 16],
        Normalization = layerNorm ? NormalizationKind.LayerNorm : NormalizationKind.None,
        Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 4 },
    };

    /// <summary>Deterministic inputs [n, 12] and labels [n] (from SeedSequence, not libtorch's RNG).</summary>
    public static (Tensor Inputs, Tensor Labels) Data(int n, long seed)
    {
        var random = SeedSequence.CreateRandom(seed, "optimizer-test-data");
        var x = new float[n * 12];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
        var y = new long[n];
        for (int i = 0; i < n; i++) y[i] = random.Next(4);
        return (TensorComparisons.Shaped(x, n, 12), tensor(y));
    }

    /// <summary>Relative distance ||a - b|| / ||b|| in float64.</summary>
    public static double RelativeDistance(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var a64 = a.detach().to_type(ScalarType.Float64);
        var b64 = b.detach().to_type(ScalarType.Float64);
        return (a64 - b64).norm().item<double>() / Math.Max(b64.norm().item<double>(), 1e-30);
    }
}
