using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// C51 (Bellemare, Dabney and Munos 2017): each action's return is a categorical distribution over fixed atoms
/// <c>z_1..z_K</c> on [Vmin, Vmax] (the network's categorical head), and Q is its expectation. For a transition
/// <c>(s, a, R, s')</c> with discount <c>d</c>, the target is the distribution of the target network at <c>s'</c> under its
/// greedy action, moved to <c>R + d z</c> and projected back onto the atoms (<see cref="CategoricalProjection"/>, the routine
/// two-hot encoding uses); the loss is the cross-entropy of <c>p(s, a)</c> against it.
/// </summary>
public sealed class C51Agent : Agent
{
    // Static, so never finalized while libtorch reads it.
    private static readonly Scalar One = 1.0.ToScalar();
    private readonly Tensor support;
    private readonly int atoms;

    /// <summary>Creates a C51 agent (<see cref="AgentOptions.Kind"/> must be <see cref="AgentKind.C51"/>; the network a categorical head).</summary>
    public C51Agent(AgentOptions options, EnvironmentSpec environment)
        : base(CheckKind(options), environment)
    {
        var head = NetworkSpec.Head;
        atoms = head.Bins;
        support = linspace(head.Min, head.Max, atoms, ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>The atoms <c>z</c> of the return distributions <c>[K]</c>.</summary>
    public Tensor Support => support;

    /// <inheritdoc />
    public override Tensor QValues(Tensor observations) => Online.Predict(observations);

    /// <inheritdoc />
    /// <remarks>The target distributions <c>[B, K]</c>.</remarks>
    public override Tensor Targets(ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long b = batch.Size;
        // The target network's distributions at s' and its greedy action there.
        var probabilities = Target.forward(batch.NextObservations).view(b, -1, atoms).softmax(-1);
        var best = (probabilities * support).sum(-1).argmax(1);
        var next = probabilities.gather(1, best.view(b, 1, 1).expand(b, 1, atoms)).squeeze(1);
        // Each atom z moves to R + d z (d = 0 after termination: every atom lands on R); project back onto the atoms.
        var moved = batch.Returns.unsqueeze(1).addcmul(batch.Discounts.unsqueeze(1), support.unsqueeze(0), One);
        var head = NetworkSpec.Head;
        return CategoricalProjection.Project(moved, next, atoms, head.Min, head.Max).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>The cross-entropy <c>-sum_i m_i log p_i(s, a)</c> of each transition.</remarks>
    public override Tensor Losses(ReplayBatch batch, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        long b = batch.Size;
        var logits = Online.forward(batch.Observations).view(b, -1, atoms);
        var chosen = logits.gather(1, batch.ActionColumn.view(b, 1, 1).expand(b, 1, atoms)).squeeze(1); // logits of p(s, a)
        return (targets * chosen.log_softmax(-1)).sum(-1).neg().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss of <see cref="Losses"/>, differentiated by hand over the online network's fused pass: with p the softmax
    /// of the taken action's logits and m the target distribution, the gradient of the mean cross-entropy with respect
    /// to those logits is <c>(sum(m) p - m) / B</c>, and zero for the other actions' logits. Null when the network does
    /// not run fused.
    /// </summary>
    private protected override Func<double>? LossAndGradient(ReplayBatch batch, Tensor targets) =>
        DifferentiateByHand(batch, targets, (row, output, mass, gradient) =>
        {
            int first = (int)batch.ActionSpan[row] * atoms;
            var logits = output.Slice(first, atoms);
            // log p = z - log sum exp z, computed from the largest logit.
            float largest = float.NegativeInfinity;
            foreach (float z in logits) largest = MathF.Max(largest, z);
            double total = 0, targetMass = 0, loss = 0;
            foreach (float z in logits) total += Math.Exp(z - largest);
            double logTotal = largest + Math.Log(total);
            for (int k = 0; k < atoms; k++)
            {
                loss -= mass[k] * (logits[k] - logTotal);
                targetMass += mass[k];
            }
            for (int k = 0; k < atoms; k++) gradient[first + k] = (float)(targetMass * Math.Exp(logits[k] - logTotal) - mass[k]);
            return loss;
        });

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) support.Dispose();
        base.Dispose(disposing);
    }

    private static AgentOptions CheckKind(AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind != AgentKind.C51)
            throw new ArgumentException($"This agent runs {AgentKind.C51}, but {nameof(AgentOptions)}.{nameof(AgentOptions.Kind)} is {options.Kind}; use {nameof(Agent)}.{nameof(Create)}.", nameof(options));
        return options;
    }
}
