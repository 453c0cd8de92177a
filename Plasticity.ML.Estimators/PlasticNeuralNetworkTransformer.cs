using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Plasticity.ML.Common;
using Plasticity.ML.Estimators;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Scoring;
using Plasticity.ML.Estimators.Training;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

[assembly: LoadableClass(typeof(PlasticNeuralNetworkTransformer), null, typeof(SignatureLoadModel),
    "Plastic Neural Network", PlasticNeuralNetworkTransformer.LoaderSignature)]

namespace Plasticity.ML.Estimators;

/// <summary>
/// A trained plastic neural network as an ML.NET transformer: appends <c>Score</c> (and, for classification,
/// <c>Probability</c>/<c>PredictedLabel</c>) to data with the trained feature column. Saved and loaded with
/// <c>mlContext.Model.Save/Load</c>; pass it to a trainer's <c>Fit(data, previousModel)</c> to keep training it.
/// </summary>
/// <remarks>
/// Thread safety: this object is immutable after training or loading, and <see cref="Transform"/>,
/// <see cref="GetOutputSchema"/>, <see cref="GetRowToRowMapper"/> and saving may be called from several threads at
/// once. The data views, cursors and rows it returns are single-threaded, as in all of ML.NET; so is a
/// <c>PredictionEngine</c> (use one per thread, or ML.NET's <c>PredictionEnginePool</c>).
/// </remarks>
public sealed class PlasticNeuralNetworkTransformer : ITransformer, ICanSaveModel, IDisposable
{
    internal const string LoaderSignature = "PlasticNeuralNetwork";
    private readonly PlasticNetwork network;

    internal PlasticNeuralNetworkTransformer(PlasticPredictionKind kind, string featureColumnName, int featureCount, int classCount,
        KeyValuesSnapshot? keyValues, PlasticNetwork network, int windowsTrained, TrainingSettings settings,
        OptimizerState? optimizerState = null, OptimizerStateRetention retention = OptimizerStateRetention.None)
    {
        Kind = kind;
        FeatureColumnName = featureColumnName;
        FeatureCount = featureCount;
        ClassCount = kind == PlasticPredictionKind.Regression ? 1 : classCount;
        KeyValues = keyValues;
        this.network = network;
        network.eval();
        WindowsTrained = windowsTrained;
        Settings = settings;
        OptimizerState = retention == OptimizerStateRetention.None ? null : optimizerState;
        OptimizerStateRetention = OptimizerState is null ? OptimizerStateRetention.None : retention;
    }

    /// <summary>The kind of prediction.</summary>
    public PlasticPredictionKind Kind { get; }

    /// <summary>Name of the feature column the model reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Number of features the model was trained on.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of classes (1 for regression).</summary>
    public int ClassCount { get; }

    /// <summary>Number of windows (tasks) the network has been trained on across all fits.</summary>
    public int WindowsTrained { get; }

    /// <summary>The network's spec.</summary>
    public NetworkSpec NetworkSpec => network.Spec;

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

    internal TrainingSettings Settings { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <summary>An independent copy of the network (for analysis or further training); the caller owns it.</summary>
    public PlasticNetwork CopyNetwork() => network.DeepCopy();

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new PlasticNeuralNetworkMapper(this, inputSchema).OutputSchema;

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new PlasticNeuralNetworkMapper(this, inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new PlasticScoredDataView(input, new PlasticNeuralNetworkMapper(this, input.Schema));
    }

    /// <summary>
    /// Scores one row: <paramref name="outputs"/>[0] is the regression value or binary log-odds ([1] the binary
    /// probability); for multiclass, outputs[0..K) are the class probabilities. Thread-safe: the network is in eval
    /// mode and only read, and TorchSharp's dispose scopes and grad mode are per thread.
    /// </summary>
    internal void Score(float[] features, float[] outputs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(features, [1, features.Length]);
        var y = network.Predict(x);
        var values = y.data<float>();
        switch (Kind)
        {
            case PlasticPredictionKind.Regression:
                outputs[0] = values[0];
                break;
            case PlasticPredictionKind.BinaryClassification:
                float logOdds = values[1] - values[0];
                outputs[0] = logOdds;
                outputs[1] = 1f / (1f + MathF.Exp(-logOdds));
                break;
            default:
                float max = float.NegativeInfinity;
                for (int i = 0; i < ClassCount; i++) max = Math.Max(max, values[i]);
                float sum = 0;
                for (int i = 0; i < ClassCount; i++) sum += outputs[i] = MathF.Exp(values[i] - max);
                for (int i = 0; i < ClassCount; i++) outputs[i] /= sum;
                break;
        }
    }

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "PLNNTRNS",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(PlasticNeuralNetworkTransformer).Assembly.FullName);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());
        var writer = ctx.Writer;
        writer.Write((int)Kind);
        writer.Write(FeatureColumnName);
        writer.Write(FeatureCount);
        writer.Write(ClassCount);
        writer.Write(WindowsTrained);
        writer.Write(PlasticityJson.Serialize(network.Spec));
        writer.Write(PlasticityJson.Serialize(Settings));
        writer.Write(KeyValues is not null);
        KeyValues?.Write(writer);

        using var weights = new MemoryStream();
        using (var weightWriter = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true))
            network.save(weightWriter);
        byte[] bytes = weights.ToArray();
        ChecksummedBlock.Write(writer, bytes);

        // The optimizer state goes into an entry of its own, so the main stream keeps the format of models without
        // state: files written before this option existed load unchanged, and a file with the extra entry is still
        // readable by code that does not know it.
        if (OptimizerState is not null && OptimizerStateRetention == OptimizerStateRetention.InModelFile && ctx.InRepository)
            ctx.SaveBinaryStream(OptimizerStateFormat.EntryName, w => OptimizerStateFormat.Write(w, OptimizerState));
    }

    /// <summary>ML.NET's loader entry point (found through the assembly's LoadableClass attribute).</summary>
    internal static PlasticNeuralNetworkTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ctx.CheckAtModel(GetVersionInfo());
        var reader = ctx.Reader;
        try
        {
            var kind = (PlasticPredictionKind)reader.ReadInt32();
            if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown prediction kind {(int)kind}.");
            string featureColumnName = reader.ReadString();
            int featureCount = reader.ReadInt32();
            int classCount = reader.ReadInt32();
            int windowsTrained = reader.ReadInt32();
            var spec = PlasticityJson.Deserialize<NetworkSpec>(reader.ReadString());
            var settings = PlasticityJson.Deserialize<TrainingSettings>(reader.ReadString());
            var keyValues = reader.ReadBoolean() ? KeyValuesSnapshot.Read(reader) : null;
            byte[] bytes = ChecksummedBlock.Read(reader, "weight block", "The network weights do not match their checksum.");
            if (spec.InputSize != featureCount) throw new InvalidDataException($"The network expects {spec.InputSize} features but the model records {featureCount}.");

            var network = NetworkFactory.Create(spec, seed: 0);
            using (var weightReader = new BinaryReader(new MemoryStream(bytes)))
                network.load(weightReader);
            OptimizerState? optimizerState = null;
            if (ctx.InRepository)
                ctx.TryLoadBinaryStream(OptimizerStateFormat.EntryName, r => optimizerState = OptimizerStateFormat.Read(r));
            return new PlasticNeuralNetworkTransformer(kind, featureColumnName, featureCount, classCount, keyValues, network, windowsTrained, settings,
                optimizerState, OptimizerStateRetention.InModelFile);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or System.Text.Json.JsonException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"The plastic neural network model is corrupted or truncated and cannot be loaded: {e.Message}", e);
        }
    }

    /// <summary>Releases the network's native memory. Do not use the transformer afterwards.</summary>
    public void Dispose() => network.Dispose();
}
