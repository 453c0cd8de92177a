using Microsoft.ML;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Scoring;
using Plasticity.ML.Estimators.Training;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators;

/// <summary>
/// A trained plastic neural network: the network, the settings it was trained with, the regression label's scaling
/// and, optionally, the optimizer's state. It is the <c>Model</c> of a <see cref="PlasticNeuralNetworkTransformer"/>
/// (<c>model.LastTransformer.Model</c> in a pipeline) and the starting point of a warm-started
/// <c>Fit(trainData, modelParameters)</c>.
/// </summary>
/// <remarks>
/// <para>Immutable after training or loading; scoring and copying may run on several threads at once.</para>
/// <para>Memory: the network's weights live in native (libtorch) memory. <see cref="Dispose"/> frees them at once;
/// a model that is never disposed frees them when the garbage collector finalizes its network, which tells the
/// collector how much native memory it holds (<see cref="GC.AddMemoryPressure"/>), so a service that retrains every
/// minute and simply drops old models keeps steady memory.</para>
/// </remarks>
public sealed class PlasticNeuralNetworkModelParameters : IScoringModel, IDisposable
{
    private readonly ScoringNetwork network;
    private readonly RowOutputMapper postProcess;

    internal PlasticNeuralNetworkModelParameters(PlasticPredictionKind kind, int featureCount, int classCount, KeyValuesSnapshot? keyValues,
        PlasticNetwork network, int windowsTrained, PlasticTrainingSettings settings, LabelScaling labelScaling,
        OptimizerState? optimizerState = null, OptimizerStateRetention retention = OptimizerStateRetention.None)
    {
        Kind = kind;
        FeatureCount = featureCount;
        ClassCount = kind == PlasticPredictionKind.Regression ? 1 : classCount;
        KeyValues = keyValues;
        this.network = new ScoringNetwork(network);
        postProcess = PostProcess;
        WindowsTrained = windowsTrained;
        TrainingSettings = settings;
        LabelScaling = kind == PlasticPredictionKind.Regression ? labelScaling.Validated() : LabelScaling.Identity;
        OptimizerState = retention == OptimizerStateRetention.None ? null : optimizerState;
        OptimizerStateRetention = OptimizerState is null ? OptimizerStateRetention.None : retention;
    }

    /// <summary>The kind of prediction.</summary>
    public PlasticPredictionKind Kind { get; }

    /// <summary>Number of features the model was trained on.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes (1 for regression, 2 for binary classification).</summary>
    public int ClassCount { get; }

    /// <summary>Number of windows (tasks) the network has been trained on across all fits.</summary>
    public int WindowsTrained { get; }

    /// <summary>The network's spec.</summary>
    public NetworkSpec NetworkSpec => network.Spec;

    /// <summary>The settings of the fit that produced this model, with the seed it used.</summary>
    public PlasticTrainingSettings TrainingSettings { get; }

    /// <summary>Regression: the label mean the network's output is shifted by (Score = LabelMean + LabelScale × output); 0 otherwise.</summary>
    public double LabelMean => LabelScaling.Mean;

    /// <summary>Regression: the label standard deviation the network's output is scaled by; 1 otherwise.</summary>
    public double LabelScale => LabelScaling.Scale;

    /// <summary>The class names of a multiclass model (the label's key values, as text), or null when the label had none.</summary>
    public IReadOnlyList<string>? ClassNames => KeyValues?.Values;

    /// <summary>
    /// Whether the model carries its optimizer's state (see <see cref="PlasticTrainerOptionsBase.RetainOptimizerState"/>)
    /// for a warm-started fit to resume, and whether saving writes it; <see cref="OptimizerStateRetention.None"/> when
    /// it carries none.
    /// </summary>
    public OptimizerStateRetention OptimizerStateRetention { get; }

    /// <summary>Whether the model carries its optimizer's state.</summary>
    public bool HasOptimizerState => OptimizerState is not null;

    /// <summary>The optimizer's state at the end of training (never modified; importing copies it), or null.</summary>
    internal OptimizerState? OptimizerState { get; }

    internal KeyValuesSnapshot? KeyValues { get; }

    internal LabelScaling LabelScaling { get; }

    /// <summary>Floats per row that <see cref="Score"/> writes: 1 (regression), 2 (binary: log-odds, probability), or the class count.</summary>
    internal int OutputWidth => Kind switch
    {
        PlasticPredictionKind.Regression => 1,
        PlasticPredictionKind.BinaryClassification => 2,
        _ => ClassCount,
    };

    /// <summary>An independent copy of the network (for analysis or further training); the caller owns it.</summary>
    public PlasticNetwork CopyNetwork() => network.CopyNetwork();

    /// <summary>The network, for saving.</summary>
    internal ScoringNetwork Network => network;

    /// <summary>
    /// Scores <paramref name="rows"/> rows of features (row-major, <see cref="FeatureCount"/> each) with one forward
    /// pass, writing <see cref="OutputWidth"/> floats per row: the regression score in label units; the binary log-odds
    /// and probability; or the class probabilities. One row or many run the same code. Thread-safe.
    /// </summary>
    internal void Score(ReadOnlySpan<float> features, int rows, Span<float> outputs) =>
        network.Score(features, rows, inputDivisor: 1f, outputs, OutputWidth, postProcess);

    int IScoringModel.OutputWidth => OutputWidth;

    void IScoringModel.Score(ReadOnlySpan<float> features, int rows, Span<float> outputs) => Score(features, rows, outputs);

    DataViewSchema IScoringModel.BuildOutputSchema(DataViewSchema input, out List<OutputRole> added) => ScoreColumns.Build(this, input, out added);

    string IScoringModel.FeatureSizeDescription => $"{FeatureCount} (the size the model was trained on)";

    /// <summary>Turns one row of network outputs into the scores the transformer reports.</summary>
    private void PostProcess(ReadOnlySpan<float> raw, Span<float> output)
    {
        switch (Kind)
        {
            case PlasticPredictionKind.Regression:
                output[0] = LabelScaling.ToScore(raw[0]);
                break;
            case PlasticPredictionKind.BinaryClassification:
                float logOdds = raw[1] - raw[0];
                output[0] = logOdds;
                output[1] = 1f / (1f + MathF.Exp(-logOdds));
                break;
            default:
                float max = float.NegativeInfinity;
                for (int i = 0; i < ClassCount; i++) max = Math.Max(max, raw[i]);
                float sum = 0;
                for (int i = 0; i < ClassCount; i++) sum += output[i] = MathF.Exp(raw[i] - max);
                for (int i = 0; i < ClassCount; i++) output[i] /= sum;
                break;
        }
    }

    /// <summary>Releases the network's native memory. Do not use the model afterwards.</summary>
    public void Dispose() => network.Dispose();
}
