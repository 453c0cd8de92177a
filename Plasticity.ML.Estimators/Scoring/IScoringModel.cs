using Microsoft.ML;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>
/// What the scoring machinery (<see cref="PlasticNeuralNetworkMapper"/>, the block cursor and the one-row path) needs
/// from a model: the feature width, a thread-safe block scorer, and the output columns it appends. Implemented by the
/// supervised models (<see cref="PlasticNeuralNetworkModelParameters"/>) and the exported Q-networks
/// (<see cref="Reinforcement.QNetworkModelParameters"/>), so both score through the same mapper and cursors.
/// </summary>
internal interface IScoringModel
{
    /// <summary>Floats per feature row.</summary>
    int FeatureCount { get; }

    /// <summary>Floats per row that <see cref="Score"/> writes.</summary>
    int OutputWidth { get; }

    /// <summary>How the feature column's size is described in a schema-mismatch error, e.g. "400 (the size the model was
    /// trained on)".</summary>
    string FeatureSizeDescription { get; }

    /// <summary>Scores <paramref name="rows"/> rows of features with one forward pass, writing <see cref="OutputWidth"/>
    /// floats per row. Thread-safe.</summary>
    void Score(ReadOnlySpan<float> features, int rows, Span<float> outputs);

    /// <summary>The input schema plus the model's output columns, annotated; <paramref name="added"/> gets their roles in
    /// order. A vector Score serves all <see cref="OutputWidth"/> floats; a key PredictedLabel is their argmax plus one; a
    /// Boolean PredictedLabel is whether the first is positive; a scalar Score is the first, a Probability the second.</summary>
    DataViewSchema BuildOutputSchema(DataViewSchema input, out List<OutputRole> added);
}
