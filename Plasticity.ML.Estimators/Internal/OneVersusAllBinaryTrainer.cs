using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace Plasticity.ML.Estimators.Internal;

/// <summary>
/// The plastic binary trainer in the shape ML.NET's <c>OneVersusAll</c> takes (a trainer of
/// <see cref="BinaryPredictionTransformer{TModel}"/>): it trains with the plastic trainer and hands the model to ML.NET
/// as a <see cref="PlasticBinaryPredictor"/>. Created by <see cref="PlasticCatalogExtensions.OneVersusAll"/>.
/// </summary>
internal sealed class OneVersusAllBinaryTrainer(PlasticBinaryClassificationTrainer trainer, IHostEnvironment env)
    : ITrainerEstimator<BinaryPredictionTransformer<PlasticBinaryPredictor>, PlasticBinaryPredictor>
{
    public TrainerInfo Info => trainer.Info;

    public BinaryPredictionTransformer<PlasticBinaryPredictor> Fit(IDataView input)
    {
        var transformer = trainer.Fit(input);
        return MLNetInterop.CreateBinaryPredictionTransformer(env, new PlasticBinaryPredictor(transformer.Model), input.Schema, transformer.FeatureColumnName);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => trainer.GetOutputSchema(inputSchema);
}
