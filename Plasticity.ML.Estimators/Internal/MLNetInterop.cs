using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Plasticity.ML.Estimators;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Estimators.Reinforcement;
using Plasticity.ML.Estimators.Training;

// ML.NET finds the loaders by these signatures (recorded in every saved model), so they never change.
[assembly: LoadableClass(typeof(PlasticNeuralNetworkTransformer), typeof(MLNetInterop.TransformerLoader), null, typeof(SignatureLoadModel),
    "Plastic Neural Network", PlasticNeuralNetworkTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(PlasticBinaryPredictor), typeof(MLNetInterop.BinaryPredictorLoader), null, typeof(SignatureLoadModel),
    "Plastic Neural Network binary predictor", PlasticBinaryPredictor.LoaderSignature)]
[assembly: LoadableClass(typeof(QNetworkTransformer), typeof(MLNetInterop.QNetworkTransformerLoader), null, typeof(SignatureLoadModel),
    "Plastic Q-Network", QNetworkTransformer.LoaderSignature)]

namespace Plasticity.ML.Estimators.Internal
{
/// <summary>
/// The one place where this library touches ML.NET's internals (members marked <c>[BestFriend] internal</c> in
/// Microsoft.ML 5.0, which a third-party trainer needs for model save/load, trainer info, cancellation and
/// one-versus-all). The library compiles against publicized reference copies of Microsoft.ML.Core and
/// Microsoft.ML.Data (see the project file) and runs through CoreCLR's <c>IgnoresAccessChecksTo</c>; every use of an
/// internal member, type or interface is in this file, so an ML.NET upgrade breaks here and nowhere else.
/// </summary>
/// <remarks>
/// Supported: Microsoft.ML <see cref="SupportedVersions"/> (the package's dependency range). If another version is
/// loaded anyway, <see cref="EnsureCompatible"/> checks by reflection that every internal used below still exists, and
/// throws <see cref="NotSupportedException"/> naming the missing ones before any of them is called. Not trim- or
/// NativeAOT-safe (internals are reached by name).
/// </remarks>
internal static class MLNetInterop
{
    /// <summary>The Microsoft.ML versions this library is built and tested for, as a NuGet range.</summary>
    public const string SupportedVersions = "[5.0.1, 5.1)";

    private static readonly Version Minimum = new(5, 0, 1);
    private static readonly Version MaximumExclusive = new(5, 1, 0);
    private static volatile bool compatible;

    /// <summary>The ML.NET internals this file uses: (assembly, type, member or null for the type itself).</summary>
    internal static IReadOnlyList<(string Assembly, string Type, string? Member)> RequiredInternals { get; } =
    [
        ("Microsoft.ML.Data", "Microsoft.ML.Data.IInternalCatalog", "Environment"),
        ("Microsoft.ML.Core", "Microsoft.ML.Runtime.Contracts", "CheckAlive"),
        ("Microsoft.ML.Core", "Microsoft.ML.Runtime.HostExtensions", "Info"),
        ("Microsoft.ML.Core", "Microsoft.ML.TrainerInfo", ".ctor"),
        ("Microsoft.ML.Core", "Microsoft.ML.TrainerInfo", "SupportsIncrementalTraining"),
        ("Microsoft.ML.Core", "Microsoft.ML.SchemaShape+Column", ".ctor"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "CheckAtModel"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "SetVersionInfo"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "Writer"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "InRepository"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "SaveBinaryStream"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "CheckAtModel"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "Reader"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "Header"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "InRepository"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelLoadContext", "TryLoadBinaryStream"),
        ("Microsoft.ML.Core", "Microsoft.ML.ModelHeader", "ModelVerWritten"),
        ("Microsoft.ML.Core", "Microsoft.ML.VersionInfo", ".ctor"),
        ("Microsoft.ML.Core", "Microsoft.ML.LoadableClassAttribute", null),
        ("Microsoft.ML.Core", "Microsoft.ML.SignatureLoadModel", null),
        ("Microsoft.ML.Core", "Microsoft.ML.IPredictor", null),
        ("Microsoft.ML.Core", "Microsoft.ML.IPredictorProducing`1", null),
        ("Microsoft.ML.Core", "Microsoft.ML.IDistPredictorProducing`2", null),
        ("Microsoft.ML.Core", "Microsoft.ML.PredictionKind", null),
        ("Microsoft.ML.Core", "Microsoft.ML.Data.IValueMapper", null),
        ("Microsoft.ML.Core", "Microsoft.ML.Data.IValueMapperDist", null),
        ("Microsoft.ML.Data", "Microsoft.ML.ISingleFeaturePredictionTransformer", null),
        ("Microsoft.ML.Data", "Microsoft.ML.Data.BinaryPredictionTransformer`1", ".ctor"),
        ("Microsoft.ML.Data", "Microsoft.ML.MLContext", "CancelExecution"),
    ];

    /// <summary>
    /// Checks once per process that the loaded Microsoft.ML is a supported version or, if not, that it still has every
    /// internal this library uses; throws <see cref="NotSupportedException"/> naming what is missing.
    /// </summary>
    public static void EnsureCompatible()
    {
        if (compatible) return;
        var version = LoadedVersion();
        if (version is null || version < Minimum || version >= MaximumExclusive)
        {
            var missing = FindMissing(RequiredInternals);
            if (missing.Count > 0) throw Incompatible(version, missing);
        }
        compatible = true;
    }

    /// <summary>The loaded Microsoft.ML's version (from its informational version), or null when it cannot be read.</summary>
    internal static Version? LoadedVersion()
    {
        string? text = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        text = text?.Split('+', '-')[0];
        return Version.TryParse(text, out var version) ? version : null;
    }

    /// <summary>The entries of <paramref name="required"/> that the loaded assemblies lack, as "Type.Member" texts.</summary>
    internal static List<string> FindMissing(IEnumerable<(string Assembly, string Type, string? Member)> required)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var missing = new List<string>();
        foreach (var (assembly, typeName, member) in required)
        {
            var type = Type.GetType($"{typeName}, {assembly}", throwOnError: false);
            bool found = type is not null && (member is null
                || (member == ".ctor" ? type.GetConstructors(All).Length > 0 : type.GetMember(member, All).Length > 0));
            if (!found) missing.Add(member is null ? typeName : $"{typeName}.{member}");
        }
        return missing;
    }

    /// <summary>The error for a Microsoft.ML that lacks internals this library needs.</summary>
    internal static NotSupportedException Incompatible(Version? loaded, IReadOnlyList<string> missing) =>
        new($"Plasticity.ML.Estimators supports Microsoft.ML {SupportedVersions}, but this process loaded Microsoft.ML " +
            $"{loaded?.ToString() ?? "of an unknown version"}, which lacks {string.Join(", ", missing)}. The plastic trainers " +
            "use these ML.NET internals for training, model save/load and one-versus-all; reference a Microsoft.ML version " +
            $"in {SupportedVersions}, or a Plasticity.ML.Estimators release built for your ML.NET.");

    /// <summary>The environment behind a trainers catalog (<c>mlContext.Regression.Trainers</c> and the like).</summary>
    public static IHostEnvironment EnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        EnsureCompatible();
        return EnvironmentOfCore(catalog);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment EnvironmentOfCore(object catalog) =>
        (catalog as IInternalCatalog)?.Environment ?? throw new ArgumentException($"{catalog.GetType().Name} is not an ML.NET catalog.", nameof(catalog));

    /// <summary>Throws <see cref="OperationCanceledException"/> when the ML.NET environment was cancelled.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowIfCancelled(IHostEnvironment host) => host.CheckAlive();

    /// <summary>Writes an information line to an ML.NET channel (its <c>MLContext.Log</c> event); the message type is internal.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Info(IChannel channel, string message) => channel.Info(message);

    /// <summary>What the plastic trainers tell ML.NET about themselves: they want normalized features, read the data once
    /// (no caching needed), and train incrementally from a previous model.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TrainerInfo CreateTrainerInfo() => new(normalization: true, caching: false, supportIncrementalTrain: true);

    /// <summary>Whether a trainer info says the trainer supports incremental training (internal in ML.NET).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SupportsIncrementalTraining(TrainerInfo info) => info.SupportsIncrementalTraining;

    /// <summary>A column of a schema shape (what an estimator promises to output); ML.NET keeps the constructor internal.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SchemaShape.Column ShapeColumn(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey, SchemaShape? annotations = null) =>
        new(name, kind, itemType, isKey, annotations);

    /// <summary>ML.NET's own binary prediction transformer over a plastic binary predictor (what one-versus-all consumes).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static BinaryPredictionTransformer<PlasticBinaryPredictor> CreateBinaryPredictionTransformer(IHostEnvironment env, PlasticBinaryPredictor model,
        DataViewSchema trainSchema, string featureColumnName) => new(env, model, trainSchema, featureColumnName);

    // ---- Model save and load.

    private static VersionInfo TransformerVersion() => new(
        modelSignature: "PLNNTRNS",
        verWrittenCur: ModelFormat.VersionLabelScaling,
        verReadableCur: ModelFormat.VersionLabelScaling,
        verWeCanReadBack: ModelFormat.VersionFirst,
        loaderSignature: PlasticNeuralNetworkTransformer.LoaderSignature,
        loaderAssemblyName: typeof(PlasticNeuralNetworkTransformer).Assembly.FullName);

    private static VersionInfo BinaryPredictorVersion() => new(
        modelSignature: "PLNNBINP",
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
        verWeCanReadBack: 0x00010001,
        loaderSignature: PlasticBinaryPredictor.LoaderSignature,
        loaderAssemblyName: typeof(PlasticBinaryPredictor).Assembly.FullName);

    private static VersionInfo QNetworkVersion() => new(
        modelSignature: "PLQNTRNS",
        verWrittenCur: QNetworkFormat.VersionFirst,
        verReadableCur: QNetworkFormat.VersionFirst,
        verWeCanReadBack: QNetworkFormat.VersionFirst,
        loaderSignature: QNetworkTransformer.LoaderSignature,
        loaderAssemblyName: typeof(QNetworkTransformer).Assembly.FullName);

    /// <summary>Writes a transformer into ML.NET's model context (the optimizer state as an entry of its own, if asked).</summary>
    public static void SaveTransformer(ModelSaveContext ctx, PlasticNeuralNetworkTransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        EnsureCompatible();
        SaveTransformerCore(ctx, transformer);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SaveTransformerCore(ModelSaveContext ctx, PlasticNeuralNetworkTransformer transformer)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(TransformerVersion());
        ModelFormat.WriteTransformer(ctx.Writer, transformer);
        // The optimizer state goes into an entry of its own, so the main stream keeps its layout for models without
        // state, and a file with the extra entry stays readable by code that does not know it.
        var model = transformer.Model;
        if (model.OptimizerState is { } state && model.OptimizerStateRetention == OptimizerStateRetention.InModelFile && ctx.InRepository)
            ctx.SaveBinaryStream(OptimizerStateFormat.EntryName, w => OptimizerStateFormat.Write(w, state));
    }

    /// <summary>ML.NET's loader of <see cref="PlasticNeuralNetworkTransformer"/> (found through the LoadableClass attribute).</summary>
    internal static class TransformerLoader
    {
        /// <summary>Reads a transformer saved by this or an earlier version of the library.</summary>
        public static PlasticNeuralNetworkTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            EnsureCompatible();
            return CreateCore(ctx);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static PlasticNeuralNetworkTransformer CreateCore(ModelLoadContext ctx)
        {
            ctx.CheckAtModel(TransformerVersion());
            return ModelFormat.ReadTransformer(ctx.Reader, ctx.Header.ModelVerWritten, () =>
            {
                Optimization.OptimizerState? state = null;
                if (ctx.InRepository)
                    ctx.TryLoadBinaryStream(OptimizerStateFormat.EntryName, r => state = OptimizerStateFormat.Read(r));
                return state;
            });
        }
    }

    /// <summary>Writes an exported Q-network into ML.NET's model context.</summary>
    public static void SaveQNetworkTransformer(ModelSaveContext ctx, QNetworkTransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        EnsureCompatible();
        SaveQNetworkTransformerCore(ctx, transformer);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SaveQNetworkTransformerCore(ModelSaveContext ctx, QNetworkTransformer transformer)
    {
        ctx.CheckAtModel();
        ctx.SetVersionInfo(QNetworkVersion());
        QNetworkFormat.WriteTransformer(ctx.Writer, transformer);
    }

    /// <summary>ML.NET's loader of <see cref="QNetworkTransformer"/> (found through the LoadableClass attribute).</summary>
    internal static class QNetworkTransformerLoader
    {
        /// <summary>Reads an exported Q-network.</summary>
        public static QNetworkTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            EnsureCompatible();
            return CreateCore(ctx);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static QNetworkTransformer CreateCore(ModelLoadContext ctx)
        {
            ctx.CheckAtModel(QNetworkVersion());
            return QNetworkFormat.ReadTransformer(ctx.Reader, ctx.Header.ModelVerWritten);
        }
    }

    /// <summary>ML.NET's loader of <see cref="PlasticBinaryPredictor"/> (the sub-models of a saved one-versus-all model).</summary>
    internal static class BinaryPredictorLoader
    {
        /// <summary>Reads a binary predictor.</summary>
        public static PlasticBinaryPredictor Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            EnsureCompatible();
            return CreateCore(ctx);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static PlasticBinaryPredictor CreateCore(ModelLoadContext ctx)
        {
            ctx.CheckAtModel(BinaryPredictorVersion());
            return new PlasticBinaryPredictor(ModelFormat.ReadModel(ctx.Reader));
        }
    }

    /// <summary>Writes a binary predictor (for one-versus-all models).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void SaveBinaryPredictor(ModelSaveContext ctx, PlasticBinaryPredictor predictor)
    {
        EnsureCompatible();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(BinaryPredictorVersion());
        ModelFormat.WriteModel(ctx.Writer, predictor.Model);
    }

    /// <summary>
    /// ML.NET internals the tests need to observe behaviour that ML.NET exposes only to its own components (cancelling a
    /// context as AutoML does; the progress events its console host prints). Here, so that the tests too reach
    /// ML.NET's internals through this one file.
    /// </summary>
    internal static class ForTests
    {
        /// <summary>The shape of a schema, as an estimator's <c>GetOutputSchema</c> takes it.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static SchemaShape SchemaShapeOf(DataViewSchema schema) => SchemaShape.Create(schema);

        /// <summary>Cancels everything running in <paramref name="ml"/>, as ML.NET's AutoML does.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void CancelExecution(MLContext ml) => ml.CancelExecution();

        /// <summary>One progress event: channel name, kind (Start, Progress, Stop), checkpoint flag, metrics, progress and its limit.</summary>
        public sealed record ProgressEvent(string Name, string Kind, bool IsCheckpoint, double?[] Metrics, double?[] Progress, double?[] ProgressLimit);

        /// <summary>The progress events the context's progress tracker collected.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static List<ProgressEvent> ProgressEvents(MLContext ml) =>
            ml._env.ProgressTracker.GetAllProgress().Select(e => new ProgressEvent(e.Name, e.Kind.ToString(), e.ProgressEntry?.IsCheckpoint ?? false,
                e.ProgressEntry?.Metrics ?? [], e.ProgressEntry?.Progress ?? [], e.ProgressEntry?.ProgressLim ?? [])).ToList();
    }
}


/// <summary>
/// A plastic binary model as ML.NET's internal predictor interfaces see it, so that ML.NET's one-versus-all trainer
/// can use, calibrate, combine and save it: a score (the log-odds) and a calibrated probability per row, from one
/// forward pass of the network. Only <see cref="PlasticCatalogExtensions.OneVersusAll"/> creates it.
/// </summary>
internal sealed class PlasticBinaryPredictor : IDistPredictorProducing<float, float>, IValueMapperDist, ICanSaveModel
{
    internal const string LoaderSignature = "PlasticNNBinaryPredictor";

    public PlasticBinaryPredictor(PlasticNeuralNetworkModelParameters model)
    {
        if (model.Kind != PlasticPredictionKind.BinaryClassification)
            throw new ArgumentException($"A binary predictor needs a binary model; got {model.Kind}.", nameof(model));
        Model = model;
        InputType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
    }

    /// <summary>The plastic model.</summary>
    public PlasticNeuralNetworkModelParameters Model { get; }

    public PredictionKind PredictionKind => PredictionKind.BinaryClassification;

    public DataViewType InputType { get; }

    public DataViewType OutputType => NumberDataViewType.Single;

    public DataViewType DistType => NumberDataViewType.Single;

    public ValueMapper<TSrc, TDst> GetMapper<TSrc, TDst>()
    {
        var score = Scorer();
        ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float dst) => dst = score(src)[0];
        return mapper as ValueMapper<TSrc, TDst> ?? throw new InvalidOperationException($"A plastic binary predictor maps VBuffer<float> to float; asked for {typeof(TSrc)} to {typeof(TDst)}.");
    }

    public ValueMapper<TSrc, TDst, TDist> GetMapper<TSrc, TDst, TDist>()
    {
        var score = Scorer();
        ValueMapper<VBuffer<float>, float, float> mapper = (in VBuffer<float> src, ref float dst, ref float dist) =>
        {
            var outputs = score(src);
            dst = outputs[0];
            dist = outputs[1];
        };
        return mapper as ValueMapper<TSrc, TDst, TDist> ?? throw new InvalidOperationException($"A plastic binary predictor maps VBuffer<float> to float and float; asked for {typeof(TSrc)} to {typeof(TDst)}, {typeof(TDist)}.");
    }

    /// <summary>A single-threaded function from features to (log-odds, probability), with its own buffers.</summary>
    private Func<VBuffer<float>, float[]> Scorer()
    {
        var features = new float[Model.FeatureCount];
        var outputs = new float[2];
        return src =>
        {
            if (src.Length != features.Length)
                throw new InvalidOperationException($"The features have {src.Length} values; the model expects {features.Length}.");
            src.CopyTo(features);
            Model.Score(features, 1, outputs);
            return outputs;
        };
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => MLNetInterop.SaveBinaryPredictor(ctx, this);
}
}

namespace Plasticity.ML.Estimators
{
    /// <summary>The transformer also implements ML.NET's internal non-generic prediction-transformer interface, through
    /// which <c>PermutationFeatureImportance(model: ITransformer, ...)</c> finds the predictor at the end of a chain.</summary>
    public sealed partial class PlasticNeuralNetworkTransformer : ISingleFeaturePredictionTransformer
    {
    }
}
