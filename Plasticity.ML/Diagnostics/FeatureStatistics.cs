using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Statistics of the penultimate features Phi <c>[n, width]</c> of a network on a sample, in evaluation mode: their
/// ranks (<see cref="FeatureRank"/>), their mean norm <c>mean_x ||phi(x)||_2</c>, and their variance
/// <c>mean_k Var_x[phi_k(x)]</c>, the spread of each feature over the inputs, averaged over features (it falls to 0 as
/// features stop telling inputs apart). Plasticine's code averages the spread of each input's feature values instead;
/// the spread over inputs is the one that collapses with plasticity loss.
/// </summary>
public static class FeatureStatistics
{
    /// <summary>Measures the features of <paramref name="inputs"/> (the network's mode is restored, nothing else changes).</summary>
    public static FeatureReport Measure(PlasticNetwork network, Tensor inputs, double delta = SpectralRank.DefaultDelta)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        using (EvaluationMode.Enter(network))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var features = network.Features(inputs);
            var f = features.to_type(ScalarType.Float64);
            double meanNorm = (f * f).sum(1).sqrt().mean().item<double>();
            double variance = f.var(0, unbiased: false).mean().item<double>();
            return new FeatureReport { Rank = SpectralRank.Summarize(features, delta), MeanNorm = meanNorm, MeanVariance = variance };
        }
    }
}

/// <summary>What <see cref="FeatureStatistics.Measure"/> found.</summary>
public sealed record FeatureReport
{
    /// <summary>Rank measures of the feature matrix.</summary>
    public required RankSummary Rank { get; init; }

    /// <summary>The mean over samples of the Euclidean norm of the feature vector.</summary>
    public double MeanNorm { get; init; }

    /// <summary>The mean over features of their (population) variance over samples.</summary>
    public double MeanVariance { get; init; }
}
