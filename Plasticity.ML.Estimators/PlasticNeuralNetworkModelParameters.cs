using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Training;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

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
/// a model that is never disposed frees them when the garbage collector finalizes it, and it tells the collector how
/// much native memory it holds (<see cref="GC.AddMemoryPressure"/>), so a service that retrains every minute and
/// simply drops old models keeps steady memory.</para>
/// </remarks>
public sealed class PlasticNeuralNetworkModelParameters : IDisposable
{
    private readonly PlasticNetwork network;
    private readonly long nativeBytes;
    private int disposed;

    internal PlasticNeuralNetworkModelParameters(PlasticPredictionKind kind, int featureCount, int classCount, KeyValuesSnapshot? keyValues,
        PlasticNetwork network, int windowsTrained, PlasticTrainingSettings settings, LabelScaling labelScaling,
        OptimizerState? optimizerState = null, OptimizerStateRetention retention = OptimizerStateRetention.None)
    {
        Kind = kind;
        FeatureCount = featureCount;
        ClassCount = kind == PlasticPredictionKind.Regression ? 1 : classCount;
        KeyValues = keyValues;
        this.network = network;
        network.eval();
        WindowsTrained = windowsTrained;
        TrainingSettings = settings;
        LabelScaling = kind == PlasticPredictionKind.Regression ? labelScaling.Validated() : LabelScaling.Identity;
        OptimizerState = retention == OptimizerStateRetention.None ? null : optimizerState;
        OptimizerStateRetention = OptimizerState is null ? OptimizerStateRetention.None : retention;
        nativeBytes = Math.Max(1, network.state_dict().Values.Sum(t => t.NumberOfElements * t.ElementSize));
        GC.AddMemoryPressure(nativeBytes);
    }

    /// <summary>Frees the native memory of a model nobody disposed.</summary>
    ~PlasticNeuralNetworkModelParameters() => Release();

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
    public PlasticNetwork CopyNetwork()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var copy = network.DeepCopy();
        GC.KeepAlive(this);
        return copy;
    }

    /// <summary>Writes the network's weights in TorchSharp's format.</summary>
    internal void SaveWeights(BinaryWriter writer)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        network.save(writer);
        GC.KeepAlive(this);
    }

    /// <summary>
    /// Scores <paramref name="rows"/> rows of features (row-major, <see cref="FeatureCount"/> each) with one forward
    /// pass, writing <see cref="OutputWidth"/> floats per row: the regression score in label units; the binary log-odds
    /// and probability; or the class probabilities. One row or many run the same code. Thread-safe: the network is in
    /// eval mode and only read, and TorchSharp's dispose scopes and grad mode are per thread.
    /// </summary>
    internal unsafe void Score(ReadOnlySpan<float> features, int rows, Span<float> outputs)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        int d = FeatureCount, k = OutputWidth;
        if (features.Length < rows * d || outputs.Length < rows * k)
            throw new ArgumentException($"Buffers too small for {rows} rows: {features.Length} features, {outputs.Length} outputs.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = empty([rows, d], ScalarType.Float32);
        features[..(rows * d)].CopyTo(new Span<float>((void*)x.storage<float>().data_ptr(), rows * d));
        var y = network.Predict(x).contiguous();
        int width = (int)y.shape[1];
        var values = new ReadOnlySpan<float>((float*)y.storage<float>().data_ptr() + y.storage_offset(), rows * width);
        for (int r = 0; r < rows; r++)
            PostProcess(values.Slice(r * width, width), outputs.Slice(r * k, k));
        // The finalizer disposes the network: keep this object alive until the forward pass is done.
        GC.KeepAlive(this);
    }

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
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // Release the weights deterministically here rather than leave them to the finalizers of TorchSharp's own objects,
        // whose order and timing are not ours to rely on.
        network.Dispose();
        GC.RemoveMemoryPressure(nativeBytes);
    }
}
