using Plasticity.ML.Estimators.Scoring;
using Plasticity.ML.Networks;

namespace Plasticity.ML.Estimators.Internal;

/// <summary>
/// A network's weights inside a model file, shared by every model layout (<see cref="ModelFormat"/>,
/// <see cref="QNetworkFormat"/>): the trainable weights in TorchSharp's format as one <see cref="ChecksummedBlock"/>, and,
/// where a layout stores it, the frozen heads of a plasticity injection as further checksummed blocks. The network's
/// spec (architecture, convolution geometry, head) is written by the layout, as JSON, before the blocks.
/// </summary>
internal static class NetworkBlock
{
    /// <summary>Most injections a file may record (a guard against a corrupted count).</summary>
    private const int MaxInjections = 1 << 16;

    /// <summary>Writes the trainable weights of <paramref name="network"/>.</summary>
    /// <exception cref="NotSupportedException">The network carries a plasticity injection and <paramref name="layout"/>
    /// does not store one (naming the layout), so saving would silently drop the frozen heads.</exception>
    public static void WriteWeights(BinaryWriter writer, ScoringNetwork network, string? layout = null)
    {
        network.Write(n =>
        {
            if (layout is not null && n.Injection is { Count: > 0 } injection)
                throw new NotSupportedException(
                    $"The network carries {injection.Count} plasticity injection(s) (frozen heads outside its trainable weights), which the {layout} " +
                    "does not store: saving it would silently change its predictions. Train without PlasticityInjectionSpec to save this model.");
            Write(writer, n);
        });
    }

    /// <summary>Writes the trainable weights and then the plasticity injection (its count, first head layer, and each
    /// frozen head and frozen copy as a weight block).</summary>
    public static void WriteWeightsAndInjection(BinaryWriter writer, ScoringNetwork network)
    {
        network.Write(n =>
        {
            Write(writer, n);
            var injection = n.Injection;
            writer.Write(injection?.Count ?? 0);
            if (injection is null || injection.Count == 0) return;
            writer.Write(injection.FirstLayer);
            for (int i = 0; i < injection.Count; i++)
            {
                Write(writer, injection.FrozenHeads[i]);
                Write(writer, injection.FrozenCopies[i]);
            }
        });
    }

    /// <summary>Reads a block written by <see cref="WriteWeights"/> and builds the network of <paramref name="spec"/> with
    /// its weights; the caller owns the network.</summary>
    public static PlasticNetwork ReadNetwork(BinaryReader reader, NetworkSpec spec) => Build(spec, ReadBlock(reader), 0, []);

    /// <summary>Reads what <see cref="WriteWeightsAndInjection"/> wrote and builds the network, injection included.</summary>
    public static PlasticNetwork ReadNetworkAndInjection(BinaryReader reader, NetworkSpec spec)
    {
        byte[] weights = ReadBlock(reader);
        int count = reader.ReadInt32();
        if (count is < 0 or > MaxInjections) throw new InvalidDataException($"Invalid plasticity injection count {count}.");
        if (count == 0) return Build(spec, weights, 0, []);
        int firstLayer = reader.ReadInt32();
        var frozen = new (byte[] Head, byte[] Copy)[count];
        for (int i = 0; i < count; i++) frozen[i] = (ReadBlock(reader), ReadBlock(reader));
        return Build(spec, weights, firstLayer, frozen);
    }

    private static void Write(BinaryWriter writer, PlasticNetwork network)
    {
        using var weights = new MemoryStream();
        using (var weightWriter = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true))
            network.save(weightWriter);
        ChecksummedBlock.Write(writer, weights.ToArray());
    }

    private static byte[] ReadBlock(BinaryReader reader) =>
        ChecksummedBlock.Read(reader, "weight block", "The network weights do not match their checksum.");

    /// <summary>
    /// The network of <paramref name="spec"/> with the given weights. An injection is rebuilt through the public
    /// <see cref="PlasticNetwork.InjectPlasticity"/> (the same structure: one frozen head and one frozen copy per
    /// injection, from the same layer); every weight it draws is then overwritten by the saved ones.
    /// </summary>
    private static PlasticNetwork Build(NetworkSpec spec, byte[] weights, int firstLayer, (byte[] Head, byte[] Copy)[] frozen)
    {
        var network = NetworkFactory.Create(spec, seed: 0);
        try
        {
            int layers = network.ParameterLayers.Count;
            if (frozen.Length > 0 && (firstLayer < 0 || firstLayer >= layers))
                throw new InvalidDataException($"The plasticity injection starts at parameter layer {firstLayer}, but the network has {layers}.");
            // The draws are overwritten below; the generator only has to exist.
            var discarded = new Random(0);
            for (int i = 0; i < frozen.Length; i++) network.InjectPlasticity(layers - firstLayer, discarded);
            Load(network, weights);
            for (int i = 0; i < frozen.Length; i++)
            {
                Load(network.Injection!.FrozenHeads[i], frozen[i].Head);
                Load(network.Injection.FrozenCopies[i], frozen[i].Copy);
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static void Load(PlasticNetwork network, byte[] weights)
    {
        using var weightReader = new BinaryReader(new MemoryStream(weights));
        network.load(weightReader);
    }
}
