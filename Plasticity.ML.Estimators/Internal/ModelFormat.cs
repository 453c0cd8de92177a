using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Training;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators.Internal;

/// <summary>
/// The binary layout of a plastic model inside an ML.NET model file (the ML.NET plumbing around it is in
/// <see cref="MLNetInterop"/>). Two versions of the transformer's stream exist, and both are read:
/// <list type="bullet">
/// <item>0x00010001 (the first release): kind, feature column name, feature count, class count, windows trained,
/// network spec (JSON), training settings (JSON), label key values, the checksummed weight block;</item>
/// <item>0x00010002 (label scaling): feature column name, then the model body of <see cref="WriteModel"/>: kind,
/// feature count, class count, windows trained, network spec, training settings, label mean and scale, label key
/// values, the checksummed weight block.</item>
/// </list>
/// The optimizer state, when saved, is an entry of its own (<see cref="OptimizerStateFormat"/>) in both versions.
/// </summary>
internal static class ModelFormat
{
    /// <summary>The first release's layout.</summary>
    public const uint VersionFirst = 0x00010001;

    /// <summary>The layout with the regression label's scaling; what is written now.</summary>
    public const uint VersionLabelScaling = 0x00010002;

    /// <summary>Writes a transformer (version <see cref="VersionLabelScaling"/>).</summary>
    public static void WriteTransformer(BinaryWriter writer, PlasticNeuralNetworkTransformer transformer)
    {
        writer.Write(transformer.FeatureColumnName);
        WriteModel(writer, transformer.Model);
    }

    /// <summary>Writes the model body.</summary>
    public static void WriteModel(BinaryWriter writer, PlasticNeuralNetworkModelParameters model)
    {
        writer.Write((int)model.Kind);
        writer.Write(model.FeatureCount);
        writer.Write(model.ClassCount);
        writer.Write(model.WindowsTrained);
        writer.Write(PlasticityJson.Serialize(model.NetworkSpec));
        writer.Write(PlasticityJson.Serialize(model.TrainingSettings));
        writer.Write(model.LabelScaling.Mean);
        writer.Write(model.LabelScaling.Scale);
        writer.Write(model.KeyValues is not null);
        model.KeyValues?.Write(writer);
        NetworkBlock.WriteWeights(writer, model.Network, layout: "plastic neural network model file");
    }

    /// <summary>Reads a transformer written in layout <paramref name="version"/>; the optimizer state comes from its own entry.</summary>
    public static PlasticNeuralNetworkTransformer ReadTransformer(BinaryReader reader, uint version, Func<OptimizerState?> optimizerState)
    {
        return Guard(() =>
        {
            if (version == VersionFirst)
            {
                var kind = ReadKind(reader);
                string featureColumnName = reader.ReadString();
                var model = ReadBody(reader, kind, hasScaling: false, optimizerState);
                return new PlasticNeuralNetworkTransformer(model, featureColumnName);
            }
            if (version == VersionLabelScaling)
            {
                string featureColumnName = reader.ReadString();
                var model = ReadBody(reader, ReadKind(reader), hasScaling: true, optimizerState);
                return new PlasticNeuralNetworkTransformer(model, featureColumnName);
            }
            throw new InvalidDataException($"Unknown model layout version 0x{version:X8}.");
        });
    }

    /// <summary>Reads a model body written by <see cref="WriteModel"/>.</summary>
    public static PlasticNeuralNetworkModelParameters ReadModel(BinaryReader reader) =>
        Guard(() => ReadBody(reader, ReadKind(reader), hasScaling: true, () => null));

    private static PlasticPredictionKind ReadKind(BinaryReader reader)
    {
        var kind = (PlasticPredictionKind)reader.ReadInt32();
        return Enum.IsDefined(kind) ? kind : throw new InvalidDataException($"Unknown prediction kind {(int)kind}.");
    }

    private static PlasticNeuralNetworkModelParameters ReadBody(BinaryReader reader, PlasticPredictionKind kind, bool hasScaling, Func<OptimizerState?> optimizerState)
    {
        int featureCount = reader.ReadInt32();
        int classCount = reader.ReadInt32();
        int windowsTrained = reader.ReadInt32();
        var spec = PlasticityJson.Deserialize<NetworkSpec>(reader.ReadString());
        var settings = PlasticityJson.Deserialize<PlasticTrainingSettings>(reader.ReadString());
        var scaling = hasScaling ? new LabelScaling(reader.ReadDouble(), reader.ReadDouble()).Validated() : LabelScaling.Identity;
        var keyValues = reader.ReadBoolean() ? KeyValuesSnapshot.Read(reader) : null;
        if (spec.InputSize != featureCount) throw new InvalidDataException($"The network expects {spec.InputSize} features but the model records {featureCount}.");

        var network = NetworkBlock.ReadNetwork(reader, spec);
        try
        {
            return new PlasticNeuralNetworkModelParameters(kind, featureCount, classCount, keyValues, network, windowsTrained, settings, scaling,
                optimizerState(), OptimizerStateRetention.InModelFile);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning every error a damaged file can cause into one
    /// <see cref="InvalidDataException"/> that says the <paramref name="model"/> is corrupted or truncated.</summary>
    internal static T Guard<T>(Func<T> read, string model = "plastic neural network model")
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or System.Text.Json.JsonException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"The {model} is corrupted or truncated and cannot be loaded: {e.Message}", e);
        }
    }
}
