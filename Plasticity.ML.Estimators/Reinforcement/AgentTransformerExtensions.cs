using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Estimators.Reinforcement;

/// <summary>Exports a trained agent's Q-network into ML.NET.</summary>
public static class AgentTransformerExtensions
{
    /// <summary>
    /// An ML.NET transformer that scores observations with a copy of <paramref name="agent"/>'s online Q-network:
    /// <c>Score</c> = the Q-value of each action, <c>PredictedLabel</c> = the greedy action (a key whose values are the
    /// action names). See <see cref="QNetworkTransformer"/> for the columns and the input scale.
    /// </summary>
    /// <param name="agent">A DQN, Double DQN or C51 agent, usually after <see cref="Agent.Train"/>. The network is copied,
    /// so the agent may keep training or be disposed; do not export while another thread trains it.</param>
    /// <param name="mlContext">The ML.NET context the transformer is for (checked for a supported ML.NET; the transformer
    /// keeps no reference to it).</param>
    /// <param name="featureColumnName">The column of flattened raw observations: a known-size vector of Single of the
    /// observation size, channels first, holding the observation bytes as floats (0 to the environment's
    /// <see cref="Plasticity.ML.Reinforcement.Environments.EnvironmentSpec.ObservationMaximum"/>).</param>
    /// <returns>A transformer that owns its copy of the network (dispose it, or let the garbage collector free it).</returns>
    /// <exception cref="ArgumentException">An empty column name, or an environment whose action names do not match its
    /// action count.</exception>
    /// <example>
    /// <code>
    /// using var agent = Agent.Create(options, game.Spec);
    /// agent.Train(game);
    /// using QNetworkTransformer qNetwork = agent.ToTransformer(mlContext);
    /// mlContext.Model.Save(qNetwork, observations.Schema, "q-network.zip");
    /// </code>
    /// </example>
    public static QNetworkTransformer ToTransformer(this Agent agent, MLContext mlContext, string featureColumnName = DefaultColumnNames.Features)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        MLNetInterop.EnsureCompatible();
        var environment = agent.Environment;
        if (environment.ActionNames is null || environment.ActionNames.Length != environment.ActionCount)
            throw new ArgumentException(
                $"{environment.Name} has {environment.ActionCount} actions but {environment.ActionNames?.Length ?? 0} action names; " +
                "the exported PredictedLabel needs one name per action.", nameof(agent));
        if (environment.ObservationMaximum == 0)
            throw new ArgumentException($"{environment.Name} has {nameof(environment.ObservationMaximum)} 0; observations cannot be scaled.", nameof(agent));
        var network = agent.Online.DeepCopy();
        try
        {
            var model = new QNetworkModelParameters(agent.Options.Kind, environment.Name, [.. environment.ObservationShape], environment.ObservationMaximum,
                [.. environment.ActionNames], agent.Steps, network);
            return new QNetworkTransformer(model, featureColumnName);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
