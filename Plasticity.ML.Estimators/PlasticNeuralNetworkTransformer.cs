using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;

namespace Plasticity.ML.Estimators;

/// <summary>
/// A trained plastic neural network as an ML.NET prediction transformer: appends <c>Score</c> (and, for classification,
/// <c>Probability</c>/<c>PredictedLabel</c>) to data with the trained feature column, annotated as ML.NET's scorers
/// annotate theirs. <c>Model</c> is the model parameters (<c>model.LastTransformer.Model</c>); pass them to a
/// trainer's <c>Fit(data, modelParameters)</c> to keep training. Saved and loaded with <c>mlContext.Model.Save/Load</c>.
/// </summary>
/// <remarks>
/// <para><c>Transform</c> scores a block of rows per forward pass (see docs/benchmarks.md for the speed-up over
/// one pass per row); a <c>PredictionEngine</c> scores the one row it is given.</para>
/// <para>Thread safety: this object is immutable, and <c>Transform</c>, <c>GetOutputSchema</c>,
/// <c>GetRowToRowMapper</c> and saving may be called from several threads at once. The data views, cursors and
/// rows it returns are single-threaded, as in all of ML.NET; so is a <c>PredictionEngine</c> (use one per thread, or
/// ML.NET's <c>PredictionEnginePool</c>).</para>
/// <para>Disposing the transformer disposes its model; a transformer that is never disposed frees its native memory
/// when it is garbage collected (see <see cref="PlasticNeuralNetworkModelParameters"/>).</para>
/// </remarks>
public sealed partial class PlasticNeuralNetworkTransformer : ScoringTransformer<PlasticNeuralNetworkModelParameters>
{
    internal const string LoaderSignature = "PlasticNeuralNetwork";

    internal PlasticNeuralNetworkTransformer(PlasticNeuralNetworkModelParameters model, string featureColumnName)
        : base(model, model, featureColumnName)
    {
    }

    private protected override void Save(ModelSaveContext ctx) => MLNetInterop.SaveTransformer(ctx, this);
}
