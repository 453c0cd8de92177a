using Plasticity.ML.Networks;
using TorchSharp;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tasks;

/// <summary>
/// The random high-frequency targets <c>a + sin(k * f(x; w))</c> used by the regression task sequences and
/// by the plasticity probe. f is evaluated in float64 on a float64 copy of the network, because at k = 1e5 the
/// float32 rounding of f would decide the phase.
/// </summary>
public static class SineTargets
{
    /// <summary>Computes <c>offset + sin(frequency * f(x; w))</c> as float32 <c>[N, outputs]</c>.</summary>
    /// <param name="function">The random network f(.; w); it is not modified.</param>
    /// <param name="inputs">Inputs <c>[N, features]</c>.</param>
    /// <param name="frequency">k.</param>
    /// <param name="offset">a: one scalar for every output.</param>
    public static Tensor Compute(PlasticNetwork function, Tensor inputs, double frequency, double offset)
    {
        using var offsetValue = offset.ToScalar();
        using var offsets = full(function.Spec.Head.Outputs, offsetValue, dtype: ScalarType.Float64);
        return Compute(function, inputs, frequency, offsets);
    }

    /// <summary>Computes <c>offsets + sin(frequency * f(x; w))</c> with one offset per output (float64 <c>[outputs]</c>).</summary>
    public static Tensor Compute(PlasticNetwork function, Tensor inputs, double frequency, Tensor offsets)
    {
        using var scope = NewDisposeScope();
        using var copy = function.DeepCopy();
        copy.to(ScalarType.Float64);
        copy.eval();
        using var noGrad = no_grad();
        var z = copy.Predict(inputs.to_type(ScalarType.Float64));
        using var k = frequency.ToScalar();
        var y = z.mul(k).sin().add(offsets.to_type(ScalarType.Float64), Scalars.One);
        return y.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
