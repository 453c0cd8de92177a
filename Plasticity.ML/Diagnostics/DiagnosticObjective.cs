using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The scalar loss that the gradient-norm, Hessian and gradient-covariance statistics differentiate: a network,
/// a fixed sample of inputs, and targets. The loss of a set of rows is the mean over those rows, so the loss of
/// one row is that example's loss (what C_k correlates).
/// </summary>
/// <remarks>
/// Two kinds (<see cref="DiagnosticLossKind"/>):
/// <list type="bullet">
/// <item><see cref="ForTraining"/>: the run's <see cref="TrainingObjective"/> (e.g. cross-entropy on labels) on
/// a sample of the current task.</item>
/// <item><see cref="ForProbe"/>: PAPER.md §2.3's objective ||f(x) - sg[f(x)] + eps||^2, summed over outputs and
/// averaged over samples. At the current parameters f - sg[f] = 0, so it equals ||f(x) - (f_0(x) - eps)||^2 with
/// f_0 the frozen current prediction, which is how it is computed. Its Hessian is 2 J'J / n plus a term weighted
/// by the random residual eps.</item>
/// </list>
/// Statistics evaluate the network in evaluation mode (BatchNorm uses running statistics, so one example's loss
/// does not depend on the others); callers switch modes (<see cref="StatisticsPanel"/> does).
/// </remarks>
public sealed class DiagnosticObjective : IDisposable
{
    private readonly Func<Tensor, Tensor, Tensor> lossOfOutput;

    private DiagnosticObjective(PlasticNetwork network, Tensor inputs, Tensor targets, DiagnosticLossKind kind, Func<Tensor, Tensor, Tensor> lossOfOutput)
    {
        Network = network;
        Inputs = inputs;
        Targets = targets;
        Kind = kind;
        this.lossOfOutput = lossOfOutput;
    }

    /// <summary>The network differentiated.</summary>
    public PlasticNetwork Network { get; }

    /// <summary>The sample inputs <c>[n, features]</c> (owned).</summary>
    public Tensor Inputs { get; }

    /// <summary>The targets, one row per input (owned).</summary>
    public Tensor Targets { get; }

    /// <summary>Which loss this is.</summary>
    public DiagnosticLossKind Kind { get; }

    /// <summary>Number of samples n.</summary>
    public int Count => (int)Inputs.shape[0];

    /// <summary>The parameters the statistics differentiate (those that require gradients).</summary>
    public IReadOnlyList<Parameter> Parameters => Network.parameters().Where(p => p.requires_grad).ToArray();

    /// <summary>The training objective on <paramref name="inputs"/> and its prepared targets (copied).</summary>
    public static DiagnosticObjective ForTraining(PlasticNetwork network, TrainingObjective objective, Tensor inputs, Tensor preparedTargets)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(objective);
        CheckRows(inputs, preparedTargets);
        return new DiagnosticObjective(network, inputs.DetachedCopy(), preparedTargets.DetachedCopy(), DiagnosticLossKind.Training,
            objective.ComputeLoss);
    }

    /// <summary>PAPER.md §2.3's probe objective on <paramref name="inputs"/>, with eps drawn from <paramref name="seed"/>.</summary>
    public static DiagnosticObjective ForProbe(PlasticNetwork network, Tensor inputs, long seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.shape[0] == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));
        Tensor targets;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var current = network.Predict(inputs).detach();
            var random = SeedSequence.CreateRandom(seed, "probe-objective-noise");
            var noise = ParameterVector.Gaussian(random, current.numel(), current.dtype, current.device).view(current.shape);
            targets = (current - noise).MoveToOuterDisposeScope();
        }
        return new DiagnosticObjective(network, inputs.detach().clone(), targets, DiagnosticLossKind.Probe,
            (raw, y) =>
            {
                var error = network.DecodeOutput(raw) - y;
                return (error * error).sum(1).mean();
            });
    }

    /// <summary>The loss over the rows in <paramref name="rows"/> (all rows when null), with autograd enabled.</summary>
    public Tensor Loss(Tensor? rows = null)
    {
        using var scope = NewDisposeScope();
        using var enable = enable_grad();
        var x = rows is null ? Inputs : Inputs.index_select(0, rows);
        var y = rows is null ? Targets : Targets.index_select(0, rows);
        return lossOfOutput(Network.forward(x), y).MoveToOuterDisposeScope();
    }

    /// <summary>The loss of the single example at <paramref name="row"/>.</summary>
    public Tensor ExampleLoss(int row)
    {
        if (row < 0 || row >= Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Count}).");
        using var scope = NewDisposeScope();
        using var enable = enable_grad();
        return lossOfOutput(Network.forward(Inputs.narrow(0, row, 1)), Targets.narrow(0, row, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>The mean loss of a raw network output <c>[m, ...]</c> against the matching target rows.</summary>
    internal Tensor LossOfOutput(Tensor rawOutput, Tensor targets) => lossOfOutput(rawOutput, targets);

    /// <summary>The Hessian of the loss over all rows as an operator (dispose it).</summary>
    public HessianOperator Hessian() => new(() => Loss(), Parameters.Cast<Tensor>().ToArray());

    /// <summary>||grad L|| over all rows.</summary>
    public double GradientNorm()
    {
        using var scope = NewDisposeScope();
        var parameters = Parameters.Cast<Tensor>().ToArray();
        var loss = Loss();
        var grads = autograd.grad([loss], parameters, null, false, false, true);
        double squares = 0;
        foreach (var g in grads)
        {
            if (g is null) continue;
            var g64 = g.to_type(ScalarType.Float64);
            squares += (g64 * g64).sum().item<double>();
        }
        double norm = Math.Sqrt(squares);
        if (!double.IsFinite(norm)) throw new ArithmeticException("The gradient is not finite.");
        return norm;
    }

    /// <summary>Releases the owned sample tensors.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }

    private static void CheckRows(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.shape[0] == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));
        if (inputs.shape[0] != targets.shape[0])
            throw new ArgumentException($"{inputs.shape[0]} inputs but {targets.shape[0]} targets.", nameof(targets));
    }
}
