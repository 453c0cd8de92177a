using System.Text.Json.Serialization;
using Plasticity.ML.Search;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Sharpness-aware minimization (Foret et al. 2021). After the ordinary backward pass, the weights move to the
/// perturbed point <c>theta + rho * g / ||g||</c> (g: the gradient over all trained parameters), the batch loss is
/// re-evaluated there and its gradient replaces g, and the weights are restored exactly before the optimizer
/// steps. Acts in every step by default.
/// </summary>
/// <remarks>
/// The second gradient comes from <see cref="TrainingContext.ComputeBatchLoss"/>, i.e. the task loss alone: loss
/// terms that other interventions add through <see cref="TrainingHook.AdditionalLoss"/> (L2-init, coupled weight
/// decay) shape the perturbation but are not part of the gradient that is stepped on. Decoupled weight decay
/// composes with SAM without this caveat. Normalization buffers (BatchNorm statistics) are restored after the
/// second forward pass, so they move once per step as without SAM.
/// </remarks>
public sealed record SamSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public SamSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Radius rho of the perturbation.</summary>
    [Range(1e-3, 0.5, 0.05, logBase: true)]
    public double Rho { get; init; } = 0.05;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"sam-{Rho:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "SAM");
        if (!(Rho > 0) || double.IsInfinity(Rho)) throw new ArgumentException($"{nameof(Rho)} must be finite and positive; got {Rho}.");
    }

    private sealed class Hook(SamSpec spec) : TrainingHook
    {
        public override void AfterBackward(TrainingContext context)
        {
            // AfterBackward runs before the step counter moves, so the current step is GlobalStep + 1.
            if (!StepwiseTiming.ActsInStep(spec.Timing, context.GlobalStep)) return;
            var parameters = context.Optimizer.Parameters.Where(p => p.grad is not null).ToArray();
            if (parameters.Length == 0) return;

            using var scope = NewDisposeScope();
            Tensor[] originals;
            using (no_grad())
            {
                double squared = 0;
                foreach (var p in parameters)
                {
                    var g64 = p.grad!.to_type(ScalarType.Float64);
                    squared += (g64 * g64).sum().item<double>();
                }
                double norm = Math.Sqrt(squared);
                if (!double.IsFinite(norm))
                    throw new ArithmeticException($"SAM found a gradient norm of {norm} at step {context.GlobalStep + 1}; refusing to perturb along it.");
                if (norm == 0) return;
                originals = parameters.Select(p => p.detach().clone()).ToArray();
                using var scale = (spec.Rho / norm).ToScalar();
                foreach (var p in parameters) p.add_(p.grad!, alpha: scale);
            }

            var buffers = context.Network.named_buffers().Select(b => (Buffer: b.buffer, Copy: b.buffer.clone())).ToList();
            try
            {
                context.Optimizer.ZeroGrad();
                var loss = context.ComputeBatchLoss();
                double value = TrainingSession.ValueOf(loss);
                if (!double.IsFinite(value))
                    throw new NonFiniteLossException(value, context.TaskIndex, context.StepInTask + 1, context.GlobalStep + 1, "SAM's perturbed loss");
                loss.backward();
            }
            finally
            {
                using var noGrad = no_grad();
                for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(originals[i]);
                foreach (var (buffer, copy) in buffers) buffer.copy_(copy);
            }
        }
    }
}
