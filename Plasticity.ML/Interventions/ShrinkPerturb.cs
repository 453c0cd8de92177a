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
    public static void Apply(PlasticNetwork network, double lambda, double sigma, Random random) =>
        Apply(network, lambda, sigma, random, layers: null);

    /// <summary>
    /// Applies shrink &amp; perturb to the parameter layers whose indices (in <see cref="PlasticNetwork.ParameterLayers"/>)
    /// are in <paramref name="layers"/> (all when null), drawing only for those, in layer order. With
    /// <c>sigma = 1 - lambda</c> it is the interpolation toward a fresh initialization of SR-SPR and BBF.
    /// </summary>
    public static void Apply(PlasticNetwork network, double lambda, double sigma, Random random, IReadOnlyCollection<int>? layers)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(random);
        using var shrink = lambda.ToScalar();
        using var perturb = sigma.ToScalar();
        int index = 0;
        foreach (var (weight, bias) in AffineParameters(network))
        {
            if (layers is not null && !layers.Contains(index++)) continue;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (freshWeight, freshBias) = ParameterInitializer.Draw(weight, bias, random);
            weight.mul_(shrink).add_(freshWeight, perturb);
            if (bias is not null && freshBias is not null) bias.mul_(shrink).add_(freshBias, perturb);
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
