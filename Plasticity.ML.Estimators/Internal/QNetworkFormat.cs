using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Reinforcement;
using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Estimators.Internal;

/// <summary>
/// The binary layout of an exported Q-network inside an ML.NET model file (the ML.NET plumbing around it is in
/// <see cref="MLNetInterop"/>). Version 0x00010001: feature column name, agent kind, environment name, observation
/// shape (count, then sizes), observation maximum, action names (count, then names), steps trained, network spec
/// (JSON: architecture, convolution geometry, head), then the network's weights and plasticity injection as
/// checksummed blocks (<see cref="NetworkBlock.WriteWeightsAndInjection"/>).
/// </summary>
internal static class QNetworkFormat
{
    /// <summary>The first layout; what is written now.</summary>
    public const uint VersionFirst = 0x00010001;

    private const string What = "Q-network model";

    /// <summary>Writes a transformer.</summary>
    public static void WriteTransformer(BinaryWriter writer, QNetworkTransformer transformer)
    {
        var model = transformer.Model;
        writer.Write(transformer.FeatureColumnName);
        writer.Write((int)model.AgentKind);
        writer.Write(model.EnvironmentName);
        writer.Write(model.ObservationShape.Count);
        foreach (int size in model.ObservationShape) writer.Write(size);
        writer.Write(model.ObservationMaximum);
        writer.Write(model.ActionCount);
        foreach (string name in model.ActionNames) writer.Write(name);
        writer.Write(model.StepsTrained);
        writer.Write(PlasticityJson.Serialize(model.NetworkSpec));
        NetworkBlock.WriteWeightsAndInjection(writer, model.Network);
    }

    /// <summary>Reads a transformer written in layout <paramref name="version"/>; every inconsistency is an
    /// <see cref="InvalidDataException"/> saying the model is corrupted.</summary>
    public static QNetworkTransformer ReadTransformer(BinaryReader reader, uint version) => ModelFormat.Guard(() =>
    {
        if (version != VersionFirst) throw new InvalidDataException($"Unknown Q-network layout version 0x{version:X8}.");
        string featureColumnName = reader.ReadString();
        var kind = (AgentKind)reader.ReadInt32();
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown agent kind {(int)kind}.");
        string environmentName = reader.ReadString();
        int[] shape = new int[Count(reader.ReadInt32(), 8, "observation dimensions")];
        for (int i = 0; i < shape.Length; i++)
            if ((shape[i] = reader.ReadInt32()) <= 0) throw new InvalidDataException($"Invalid observation size {shape[i]} in dimension {i}.");
        byte maximum = reader.ReadByte();
        if (maximum == 0) throw new InvalidDataException("Invalid observation maximum 0.");
        string[] actions = new string[Count(reader.ReadInt32(), 1 << 16, "actions")];
        for (int i = 0; i < actions.Length; i++) actions[i] = reader.ReadString();
        long steps = reader.ReadInt64();
        var spec = PlasticityJson.Deserialize<NetworkSpec>(reader.ReadString());
        spec.Validate();
        long observationSize = shape.Aggregate(1L, (a, b) => a * b);
        if (spec.InputSize != observationSize)
            throw new InvalidDataException($"The network takes {spec.InputSize} inputs but the observations of {environmentName} have {observationSize} values.");
        if (spec.Head.Outputs != actions.Length)
            throw new InvalidDataException($"The network has {spec.Head.Outputs} outputs but {environmentName} has {actions.Length} actions.");
        if ((kind == AgentKind.C51) != spec.Head.IsCategorical)
            throw new InvalidDataException($"A {kind} agent's network cannot have a {spec.Head.Kind} head.");

        var network = NetworkBlock.ReadNetworkAndInjection(reader, spec);
        try
        {
            return new QNetworkTransformer(new QNetworkModelParameters(kind, environmentName, shape, maximum, actions, steps, network), featureColumnName);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }, What);

    private static int Count(int count, int maximum, string what) =>
        count >= 1 && count <= maximum ? count : throw new InvalidDataException($"Invalid number of {what}: {count}.");
}
