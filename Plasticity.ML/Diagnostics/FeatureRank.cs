using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Rank of the penultimate-feature matrix Phi [n, width] of a network on a sample (PAPER.md §3 "feature rank",
/// §8.4): srank with delta = 0.01, effective rank and numerical rank.
/// </summary>
public static class FeatureRank
{
    /// <summary>Computes the features of <paramref name="inputs"/> in evaluation mode and summarizes their rank.</summary>
    public static RankSummary Measure(PlasticNetwork network, Tensor inputs, double delta = SpectralRank.DefaultDelta)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        using (EvaluationMode.Enter(network))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var features = network.Features(inputs);
            return SpectralRank.Summarize(features, delta);
        }
    }
}
