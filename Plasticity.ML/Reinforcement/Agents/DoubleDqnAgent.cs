using Plasticity.ML.Reinforcement.Environments;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// Double DQN (van Hasselt, Guez and Silver 2016): DQN whose target takes the next action from the online network and
/// its value from the target network, <c>y = R + d Q_target(s', argmax_a' Q(s', a'))</c>, which removes DQN's
/// overestimation from maximizing over noisy values. The agent of the paper's Atari experiment (PAPER.md section 6).
/// </summary>
public sealed class DoubleDqnAgent : DqnAgent
{
    /// <summary>Creates a Double DQN agent (<see cref="AgentOptions.Kind"/> must be <see cref="AgentKind.DoubleDqn"/>).</summary>
    public DoubleDqnAgent(AgentOptions options, EnvironmentSpec environment)
        : base(options, environment, AgentKind.DoubleDqn)
    {
    }

    /// <inheritdoc />
    protected override Tensor NextStateValues(Tensor nextObservations)
    {
        using var online = Online.forward(nextObservations);
        using var best = online.argmax(1, keepdim: true); // the online network chooses a'
        using var target = Target.forward(nextObservations);
        using var chosen = target.gather(1, best);          // the target network values it
        return chosen.squeeze(1);
    }
}
