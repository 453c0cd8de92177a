using Plasticity.ML.Common;
using Plasticity.ML.Training;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Carries out <see cref="RandomWalkSpec"/>: snapshots the parameters after the backward pass, lets the optimizer
/// step, measures the norm of the step it took (over all of the optimizer's parameters together), and moves the
/// parameters back to the snapshot plus a step of that norm along a Gaussian direction normalized to unit length.
/// </summary>
/// <remarks>
/// The optimizer keeps its own state (momentum, Adam moments), built from the gradients at the walk's points, so
/// "the same norm" is the norm of the update this optimizer would make here. Directions come from a stream of
/// <see cref="SeedSequence"/> derived from the run seed, so walks are reproducible.
/// </remarks>
public sealed class RandomWalkHook : TrainingHook
{
    private RandomStream? random;
    private Tensor[]? before;

    /// <summary>Steps replaced so far.</summary>
    public long Steps { get; private set; }

    /// <summary>Norm of the last optimizer update, which the last random step matched.</summary>
    public double LastStepNorm { get; private set; }

    /// <inheritdoc />
    public override void OnTrainingStart(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        random = RandomStream.For(context.Seed, "random-walk");
    }

    /// <inheritdoc />
    public override void AfterBackward(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Inside the trainer's per-step scope, so the copies are released when the step ends.
        using var noGrad = no_grad();
        before = context.Optimizer.Parameters.Select(p => p.DetachedCopy()).ToArray();
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parameters = context.Optimizer.Parameters;
        if (before is null || random is null) throw new InvalidOperationException("The random walk saw a step without its backward pass; it must run inside the continual trainer.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double squares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var difference = (parameters[i] - before[i]).to_type(ScalarType.Float64);
            squares += (difference * difference).sum().item<double>();
        }
        double norm = Math.Sqrt(squares);
        if (!double.IsFinite(norm)) throw new ArithmeticException($"The optimizer step has norm {norm} at step {context.GlobalStep}; the random walk cannot match it.");

        var directions = parameters.Select(p => Gaussian(random, p)).ToArray();
        double directionSquares = directions.Sum(d => d.Sum(v => (double)v * v));
        double scale = directionSquares > 0 ? norm / Math.Sqrt(directionSquares) : 0;
        // Every Scalar here is kept alive by this method while libtorch reads it: `factor` by its using, Scalars.One
        // by its static field. A Scalar made from a plain number (mul_(scale), add_(step) = add_(step, 1), square() =
        // pow(2)) is unreachable once TorchSharp has read its handle, so a collection on another thread can free it
        // mid-call; this method crashed that way (libtorch "toDouble") before. BannedSymbols.txt now forbids those forms.
        using var factor = scale.ToScalar();
        for (int i = 0; i < parameters.Count; i++)
        {
            using var step = tensor(directions[i], parameters[i].shape, dtype: ScalarType.Float32).to(parameters[i].dtype, parameters[i].device);
            step.mul_(factor);
            parameters[i].copy_(before[i]);
            parameters[i].add_(step, Scalars.One);
        }
        LastStepNorm = norm;
        Steps++;
        before = null;
    }

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (random is null) throw new InvalidOperationException("The random walk was not started.");
        state.Set("random", random);
        state.Set("steps", Steps);
        state.Set("lastStepNorm", LastStepNorm);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (random is null) throw new InvalidOperationException("The random walk was not started.");
        state.Restore("random", random);
        Steps = state.GetInt64("steps");
        LastStepNorm = state.GetDouble("lastStepNorm");
    }

    /// <summary>Standard normal floats for every entry of <paramref name="parameter"/> (Box-Muller, both outputs used).</summary>
    private static float[] Gaussian(Random random, Parameter parameter)
    {
        var values = new float[parameter.numel()];
        for (int i = 0; i < values.Length; i += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length) values[i + 1] = (float)(radius * Math.Sin(angle));
        }
        return values;
    }
}
