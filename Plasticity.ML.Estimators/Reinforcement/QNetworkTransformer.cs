using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;

namespace Plasticity.ML.Estimators.Reinforcement;

/// <summary>
/// A trained agent's Q-network as an ML.NET transformer (made by <see cref="AgentTransformerExtensions.ToTransformer"/>).
/// It reads a feature column of raw observations and appends:
/// <list type="bullet">
/// <item><c>Score</c>: a known-size vector of Single, the Q-value of each action (a C51 agent's expected returns), with
/// the action names as its slot names;</item>
/// <item><c>PredictedLabel</c>: the greedy action (the first of ties, as the agent chooses), a key type with one value
/// per action whose KeyValues are the action names, so <c>mlContext.Transforms.Conversion.MapKeyToValue</c> turns it
/// into "left" or "fire".</item>
/// </list>
/// Saved and loaded with <c>mlContext.Model.Save/Load</c>; the file holds the network (spec, convolution geometry and
/// weights, checksummed) and the environment's observation shape, scale and action names.
/// </summary>
/// <remarks>
/// <para>Features: a known-size vector of Single of length <see cref="QNetworkModelParameters.FeatureCount"/>, the
/// observation flattened channels first (<c>[C, H, W]</c> → <c>c * H * W + h * W + w</c>, the environment's own byte
/// layout), holding raw observation values (0 to <see cref="QNetworkModelParameters.ObservationMaximum"/>: the bytes as
/// floats). The transformer scales them as the agent does.</para>
/// <para>The columns carry ML.NET's scorer annotations with score column kind "QValues": the scores are action values,
/// not probabilities.</para>
/// <para><c>Transform</c> scores a block of rows per forward pass; a <c>PredictionEngine</c> scores the one row it
/// is given. Thread safety: this object is immutable, and <c>Transform</c>, <c>GetOutputSchema</c>,
/// <c>GetRowToRowMapper</c> and saving may be called from several threads at once; the data views, cursors and
/// rows it returns are single-threaded, as in all of ML.NET, and so is a <c>PredictionEngine</c>.</para>
/// <para>Disposing the transformer disposes its model.</para>
/// </remarks>
/// <example>
/// <code>
/// using var qNetwork = agent.ToTransformer(mlContext);                      // Features: float[400] for MinAtar Breakout
/// mlContext.Model.Save(qNetwork, data.Schema, "breakout-q.zip");
/// var loaded = mlContext.Model.Load("breakout-q.zip", out _);
/// var actions = mlContext.Transforms.Conversion.MapKeyToValue("Action", "PredictedLabel").Fit(loaded.Transform(data));
/// </code>
/// </example>
public sealed class QNetworkTransformer : ScoringTransformer<QNetworkModelParameters>
{
    internal const string LoaderSignature = "PlasticQNetwork";

    internal QNetworkTransformer(QNetworkModelParameters model, string featureColumnName)
        : base(model, model, featureColumnName)
    {
    }

    private protected override void Save(ModelSaveContext ctx) => MLNetInterop.SaveQNetworkTransformer(ctx, this);
}
