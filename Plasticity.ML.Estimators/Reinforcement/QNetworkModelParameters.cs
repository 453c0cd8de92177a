using Microsoft.ML;
using Plasticity.ML.Estimators.Scoring;
using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Estimators.Reinforcement;

/// <summary>
/// A trained agent's Q-network, exported for scoring: a copy of its online network (taken by
/// <see cref="AgentTransformerExtensions.ToTransformer"/>, so the agent may go on training or be disposed), and what
/// the environment's observations and actions look like. It is the <c>Model</c> of a <see cref="QNetworkTransformer"/>.
/// </summary>
/// <remarks>
/// <para>Input scale: features are raw observation values, channels first (the environment's bytes as floats, 0 to
/// <see cref="ObservationMaximum"/>); the model divides them by <see cref="ObservationMaximum"/>, as the agent does,
/// so its Q-values for one observation are the agent's bit for bit (a block of rows scored in one forward pass may
/// differ in the last bits, since libtorch may sum a matrix product in another order for a block).</para>
/// <para>The Q-values of a C51 agent are the expectations of its return distributions over the atoms (what the agent
/// acts on), one per action; the atoms themselves are not exported as scores (<see cref="CopyNetwork"/> gives them).</para>
/// <para>Immutable; scoring may run on several threads at once. The weights live in native memory: <see cref="Dispose"/>
/// frees them at once, and a model nobody disposes frees them when it is garbage collected.</para>
/// </remarks>
public sealed class QNetworkModelParameters : IScoringModel, IDisposable
{
    private static readonly RowOutputMapper CopyRow = static (decoded, output) => decoded.CopyTo(output);
    private readonly ScoringNetwork network;
    private readonly int[] observationShape;
    private readonly string[] actionNames;

    internal QNetworkModelParameters(AgentKind agentKind, string environmentName, int[] observationShape, byte observationMaximum,
        string[] actionNames, long stepsTrained, PlasticNetwork network)
    {
        AgentKind = agentKind;
        EnvironmentName = environmentName;
        this.observationShape = observationShape;
        ObservationMaximum = observationMaximum;
        this.actionNames = actionNames;
        StepsTrained = stepsTrained;
        FeatureCount = observationShape.Aggregate(1, (a, b) => checked(a * b));
        this.network = new ScoringNetwork(network);
    }

    /// <summary>The learning rule of the agent the network comes from (DQN, Double DQN or C51).</summary>
    public AgentKind AgentKind { get; }

    /// <summary>The name of the environment the agent was built for, such as "minatar:breakout".</summary>
    public string EnvironmentName { get; }

    /// <summary>The observation shape, channels first (<c>[channels, height, width]</c> for grids).</summary>
    public IReadOnlyList<int> ObservationShape => observationShape;

    /// <summary>The largest observation value (1 for MinAtar's boolean grids, 255 for pixels): features are divided by it.</summary>
    public byte ObservationMaximum { get; }

    /// <summary>One name per action, in action order: the slot names of <c>Score</c> and the key values of <c>PredictedLabel</c>.</summary>
    public IReadOnlyList<string> ActionNames => actionNames;

    /// <summary>Number of actions (Q-values per row).</summary>
    public int ActionCount => actionNames.Length;

    /// <summary>Features per row: the observation size, the product of <see cref="ObservationShape"/>.</summary>
    public int FeatureCount { get; }

    /// <summary>Environment steps the agent had taken when the network was exported.</summary>
    public long StepsTrained { get; }

    /// <summary>The Q-network's spec (convolutions, hidden layers, normalization, head).</summary>
    public NetworkSpec NetworkSpec => network.Spec;

    /// <summary>An independent copy of the network (its raw output: Q-values, or C51's atom logits); the caller owns it.</summary>
    public PlasticNetwork CopyNetwork() => network.CopyNetwork();

    /// <summary>
    /// The Q-values of one observation in the environment's byte form (channels first), as the agent's own
    /// <see cref="Agent.QValues(ReadOnlySpan{byte})"/> computes them. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The observation does not have <see cref="FeatureCount"/> bytes.</exception>
    public float[] QValues(ReadOnlySpan<byte> observation)
    {
        if (observation.Length != FeatureCount)
            throw new ArgumentException($"An observation of {EnvironmentName} has {FeatureCount} bytes; got {observation.Length}.", nameof(observation));
        var features = new float[FeatureCount];
        for (int i = 0; i < features.Length; i++) features[i] = observation[i];
        var values = new float[ActionCount];
        Score(features, 1, values);
        return values;
    }

    /// <summary>The network, for saving.</summary>
    internal ScoringNetwork Network => network;

    /// <summary>Scores rows of raw observation values with one forward pass: <see cref="ActionCount"/> Q-values per row.</summary>
    internal void Score(ReadOnlySpan<float> features, int rows, Span<float> outputs) =>
        network.Score(features, rows, ObservationMaximum, outputs, ActionCount, CopyRow);

    int IScoringModel.OutputWidth => ActionCount;

    string IScoringModel.FeatureSizeDescription =>
        $"{FeatureCount} (the observation size {string.Join("x", observationShape)} of {EnvironmentName}, channels first)";

    void IScoringModel.Score(ReadOnlySpan<float> features, int rows, Span<float> outputs) => Score(features, rows, outputs);

    DataViewSchema IScoringModel.BuildOutputSchema(DataViewSchema input, out List<OutputRole> added) =>
        ScoreColumns.BuildQValues(actionNames, input, out added);

    /// <summary>Releases the network's native memory. Do not use the model afterwards.</summary>
    public void Dispose() => network.Dispose();
}
