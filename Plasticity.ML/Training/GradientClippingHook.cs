using Plasticity.ML.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// Clips the global gradient norm before every optimizer step: when the Euclidean norm of all gradients together
/// exceeds <see cref="MaxNorm"/>, every gradient is multiplied by <c>MaxNorm / norm</c> (<c>torch.nn.utils.clip_grad_norm_</c>,
/// optax's <c>clip_by_global_norm</c>; DQN Zoo clips at 10). Runs in <see cref="TrainingHook.AfterBackward"/>, so it
/// sees the gradient of the whole loss (with the interventions' terms) and acts after hooks listed before it.
/// </summary>
/// <remarks>With <see cref="OptimizerImplementation.Plastic"/> the norm is one operation on the optimizer's flat gradient
/// buffer (and the rescale another); with other optimizers it is two operations per parameter tensor. It holds no state
/// between steps, so it needs nothing in a checkpoint.</remarks>
public sealed class GradientClippingHook : TrainingHook
{
    /// <summary>Creates the hook.</summary>
    /// <param name="maxNorm">The largest global gradient norm let through; positive and finite.</param>
    public GradientClippingHook(double maxNorm)
    {
        if (!(maxNorm > 0) || !double.IsFinite(maxNorm))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum gradient norm must be positive and finite.");
        MaxNorm = maxNorm;
    }

    /// <summary>The largest global gradient norm let through.</summary>
    public double MaxNorm { get; }

    /// <summary>The global gradient norm of the latest step, before clipping (NaN before the first step).</summary>
    public double LastNorm { get; private set; } = double.NaN;

    /// <summary>Steps whose gradients were scaled down.</summary>
    public long ClippedSteps { get; private set; }

    /// <inheritdoc />
    public override void AfterBackward(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        double norm = context.Optimizer is PlasticOptimizer plastic ? plastic.GradientNorm() : GradientNorm(context.Optimizer);
        LastNorm = norm;
        if (!(norm > MaxNorm)) return; // also leaves a NaN norm alone: the step protocol reports a non-finite loss first
        double factor = MaxNorm / (norm + 1e-6); // torch's clip_grad_norm_ adds the same 1e-6
        ClippedSteps++;
        if (context.Optimizer is PlasticOptimizer flat)
        {
            flat.ScaleGradients(factor);
            return;
        }
        using var noGrad = no_grad();
        using var scale = factor.ToScalar();
        foreach (var p in context.Optimizer.Parameters)
        {
            using var grad = p.grad;
            grad?.mul_(scale);
        }
    }

    private static double GradientNorm(IPlasticOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var norms = optimizer.Parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.norm()).ToArray();
        if (norms.Length == 0) return 0;
        var total = stack(norms).norm();
        return total.dtype == ScalarType.Float64 ? total.item<double>() : total.item<float>();
    }
}
