using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Shrink &amp; perturb (Ash &amp; Adams 2020): <c>theta &lt;- lambda * theta + sigma * theta_fresh</c> for the weights
/// and biases of every linear and convolution layer, where <c>theta_fresh</c> is a fresh initialization drawn from
/// a seeded stream. Normalization parameters are left alone (their fresh init is the identity, which shrinking
/// towards would only rescale features).
/// </summary>
public static class ShrinkPerturb
{
    /// <summary>
    /// Applies shrink &amp; perturb. The fresh draws come from <paramref name="random"/> layer by layer in
    /// <see cref="PlasticNetwork.ParameterLayers"/> order, weight then bias, exactly as
    /// <see cref="ParameterInitializer.Draw"/> makes them.
    /// </summary>
    public static void Apply(PlasticNetwork network, double lambda, double sigma, Random random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        using var shrink = lambda.ToScalar();
        using var perturb = sigma.ToScalar();
        foreach (var (weight, bias) in AffineParameters(network))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (freshWeight, freshBias) = ParameterInitializer.Draw(weight, bias, random);
            weight.mul_(shrink).add_(freshWeight, alpha: perturb);
            if (bias is not null && freshBias is not null) bias.mul_(shrink).add_(freshBias, alpha: perturb);
        }
    }

    /// <summary>The weight and bias of every linear and convolution layer, in <see cref="PlasticNetwork.ParameterLayers"/> order.</summary>
    public static IEnumerable<(Tensor Weight, Tensor? Bias)> AffineParameters(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (var layer in network.HiddenLayers) yield return (layer.Weight, layer.Bias);
        yield return (network.OutputLayer.weight!, network.OutputLayer.bias);
    }
}
