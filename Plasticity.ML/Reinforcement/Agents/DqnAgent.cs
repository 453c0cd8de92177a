using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// DQN (Mnih et al. 2015). For a transition <c>(s, a, R, s')</c> from replay, where <c>R</c> is the (n-step) discounted
/// reward and <c>d</c> its discount (<c>gamma^n</c>, or 0 when the episode terminated), the target is
/// <c>y = R + d max_a' Q_target(s', a')</c> and the loss is Huber (or squared error) between <c>Q(s, a)</c> and
/// <c>y</c>. Everything else (acting, replay, target copies, checkpoints) is <see cref="Agent"/>'s.
/// </summary>
public class DqnAgent : Agent
{
    // Static, so never finalized while libtorch reads it.
    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>Creates a DQN agent (<see cref="AgentOptions.Kind"/> must be <see cref="AgentKind.Dqn"/>).</summary>
    public DqnAgent(AgentOptions options, EnvironmentSpec environment)
        : this(options, environment, AgentKind.Dqn)
    {
    }

    /// <summary>Creates an agent of this family whose options name <paramref name="kind"/>.</summary>
    protected DqnAgent(AgentOptions options, EnvironmentSpec environment, AgentKind kind)
        : base(CheckKind(options, kind), environment)
    {
        // A subclass with a loss of its own is differentiated by autograd.
        lossIsDqns = GetType().GetMethod(nameof(Losses), [typeof(ReplayBatch), typeof(Tensor)])!.DeclaringType == typeof(DqnAgent);
    }

    private readonly bool lossIsDqns;

    /// <inheritdoc />
    public override Tensor Targets(ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var next = NextStateValues(batch.NextObservations);
        // y = R + d * V(s'): d is 0 for a terminated episode, so nothing is bootstrapped past its end.
        return batch.Returns.addcmul(batch.Discounts, next, One).MoveToOuterDisposeScope();
    }

    /// <summary>V(s') of the target: <c>max_a' Q_target(s', a')</c> <c>[B]</c>.</summary>
    protected virtual Tensor NextStateValues(Tensor nextObservations)
    {
        using var values = Target.forward(nextObservations);
        return values.amax([1L]);
    }

    /// <inheritdoc />
    public override Tensor Losses(ReplayBatch batch, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(targets);
        using var scope = NewDisposeScope();
        var q = Online.forward(batch.Observations).gather(1, batch.ActionColumn).squeeze(1); // Q(s, a)
        var losses = Options.Loss == LossKind.Huber
            ? nn.functional.huber_loss(q, targets, Options.HuberDelta, nn.Reduction.None)
            : nn.functional.mse_loss(q, targets, nn.Reduction.None);
        return losses.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The loss of <see cref="Losses"/>, differentiated by hand over the online network's fused pass: the gradient of
    /// the mean loss with respect to <c>Q(s, a)</c> is <c>clamp(Q - y, -delta, delta) / B</c> for Huber and
    /// <c>2 (Q - y) / B</c> for squared error, and zero for the other actions. Null when the network does not run fused.
    /// </summary>
    private protected override Func<double>? LossAndGradient(ReplayBatch batch, Tensor targets)
    {
        if (!lossIsDqns) return null;
        bool huber = Options.Loss == LossKind.Huber;
        float delta = (float)Options.HuberDelta;
        return DifferentiateByHand(batch, targets, (row, q, target, gradient) =>
        {
            int action = (int)batch.ActionSpan[row];
            float error = q[action] - target[0];
            // As libtorch's huber_loss and mse_loss compute them, per transition in float32.
            float magnitude = MathF.Abs(error);
            gradient[action] = huber ? Math.Clamp(error, -delta, delta) : 2 * error;
            return huber ? (magnitude < delta ? 0.5f * error * error : delta * (magnitude - 0.5f * delta)) : error * error;
        });
    }

    private static AgentOptions CheckKind(AgentOptions options, AgentKind kind)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind != kind)
            throw new ArgumentException($"This agent runs {kind}, but {nameof(AgentOptions)}.{nameof(AgentOptions.Kind)} is {options.Kind}; use {nameof(Agent)}.{nameof(Create)}.", nameof(options));
        return options;
    }
}
