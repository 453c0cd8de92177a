using Plasticity.ML.Common;
using TorchSharp;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Distance of a network's parameters from their initial values (Plasticine's "weight difference"; Lyle et al. 2024's
/// parameter-norm growth seen from the start point): <c>||theta - theta_0||_2</c> over all parameters and per parameter
/// layer, and relative to <c>||theta_0||_2</c>. Computed in float64.
/// </summary>
/// <remarks>The start point is the parameters when training started, whatever happened since: a reset, a recycled unit or
/// a plasticity injection that re-draws weights counts as a move away from it (a fresh draw lies about
/// <c>sqrt(2)</c> times its norm from the old one), so the distance tells how far the parameters are from where the run
/// began, not how far training moved them since their last draw.</remarks>
public static class ParameterDistance
{
    /// <summary>Measures the distance of <paramref name="network"/> from <paramref name="initial"/> (one tensor per parameter, in <c>parameters()</c> order).</summary>
    /// <exception cref="ArgumentException">The initial parameters do not match the network's in number or shape.</exception>
    public static ParameterDistanceReport Measure(PlasticNetwork network, IReadOnlyList<Tensor> initial)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(initial);
        var parameters = network.parameters().ToArray();
        if (parameters.Length != initial.Count)
            throw new ArgumentException($"{initial.Count} initial tensors for a network of {parameters.Length} parameters.", nameof(initial));
        var index = new Dictionary<TorchSharp.Modules.Parameter, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < parameters.Length; i++) index[parameters[i]] = i;

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var squares = new double[parameters.Length];
        double initialSquares = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!parameters[i].shape.SequenceEqual(initial[i].shape))
                throw new ArgumentException($"Initial tensor {i} has shape [{string.Join(", ", initial[i].shape)}], the parameter [{string.Join(", ", parameters[i].shape)}].", nameof(initial));
            var now = parameters[i].to_type(ScalarType.Float64);
            var start = initial[i].to_type(ScalarType.Float64);
            var difference = now.add(start, Scalars.MinusOne);
            squares[i] = (difference * difference).sum().item<double>();
            initialSquares += (start * start).sum().item<double>();
        }
        var layers = network.ParameterLayers.Select(layer => Math.Sqrt(layer.parameters().Sum(p => squares[index[p]]))).ToArray();
        double global = Math.Sqrt(squares.Sum());
        return new ParameterDistanceReport
        {
            Global = global,
            Relative = initialSquares > 0 ? global / Math.Sqrt(initialSquares) : double.NaN,
            Layers = layers,
        };
    }

}

/// <summary>What <see cref="ParameterDistance.Measure"/> found.</summary>
public sealed record ParameterDistanceReport
{
    /// <summary><c>||theta - theta_0||_2</c> over all parameters.</summary>
    public double Global { get; init; }

    /// <summary><c>||theta - theta_0||_2 / ||theta_0||_2</c>.</summary>
    public double Relative { get; init; }

    /// <summary>The distance of each parameter layer (hidden layers, then the output layer; all of a layer's parameters).</summary>
    public required double[] Layers { get; init; }
}
