using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// The frozen part of a network after plasticity injection (Nikishin et al. 2023, "Deep reinforcement learning with
/// plasticity injection", NeurIPS): the head (parameter layers from <see cref="FirstLayer"/> on) computes
/// <c>A(z) + (h_live(z) - h_copy(z))</c> on the body's output z, where h_live is the network's own (trainable) head,
/// h_copy a frozen copy of the head as it was drawn at the last injection, and A the frozen function of everything
/// before it. After one injection A is the head as it was when frozen; each further injection folds the current
/// <c>A + (h_live - h_copy)</c> into A. Created and extended by <see cref="PlasticNetwork.InjectPlasticity"/>.
/// </summary>
/// <remarks>
/// Every frozen head is a whole <see cref="PlasticNetwork"/> of the same spec whose parameters do not require
/// gradients, run from <see cref="FirstLayer"/> on, in the owning network's train/eval mode (its BatchNorm statistics
/// move as the live head's do). They are not modules of the owning network: its <c>parameters()</c> and
/// <c>state_dict()</c> hold only the trainable network, so optimizers and checkpoints of the network are unchanged;
/// the injection intervention saves the frozen heads itself.
/// </remarks>
public sealed class HeadInjection : IDisposable
{
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinusOne = (-1.0).ToScalar();
    private readonly List<PlasticNetwork> frozenHeads = [];
    private readonly List<PlasticNetwork> frozenCopies = [];

    internal HeadInjection(int firstLayer) => FirstLayer = firstLayer;

    /// <summary>Index in <see cref="PlasticNetwork.ParameterLayers"/> of the head's first layer.</summary>
    public int FirstLayer { get; }

    /// <summary>Number of injections so far.</summary>
    public int Count => frozenCopies.Count;

    /// <summary>The heads as they were when frozen, oldest first (one per injection).</summary>
    public IReadOnlyList<PlasticNetwork> FrozenHeads => frozenHeads;

    /// <summary>The frozen copies of each injected fresh head, oldest first (one per injection); the last one cancels the live head.</summary>
    public IReadOnlyList<PlasticNetwork> FrozenCopies => frozenCopies;

    /// <summary>Adds one injection: the head as it was (<paramref name="frozenHead"/>) and a copy of the fresh head (<paramref name="freshCopy"/>).</summary>
    internal void Add(PlasticNetwork frozenHead, PlasticNetwork freshCopy)
    {
        Freeze(frozenHead);
        Freeze(freshCopy);
        frozenHeads.Add(frozenHead);
        frozenCopies.Add(freshCopy);
    }

    /// <summary>
    /// The head's output given the body's output <paramref name="z"/> and the live head's raw output
    /// <paramref name="live"/>: <c>A(z) + (live - copy(z))</c>, in the same order of operations at every injection, so
    /// that an injection leaves the output unchanged bit for bit.
    /// </summary>
    internal Tensor Combine(Tensor z, Tensor live, bool training)
    {
        using var scope = NewDisposeScope();
        var anchor = Run(frozenHeads[0], z, training);
        for (int i = 1; i < frozenHeads.Count; i++)
        {
            var difference = Run(frozenHeads[i], z, training).add(Run(frozenCopies[i - 1], z, training), MinusOne);
            anchor = anchor.add(difference, One);
        }
        var current = live.add(Run(frozenCopies[^1], z, training), MinusOne);
        return anchor.add(current, One).MoveToOuterDisposeScope();
    }

    /// <summary>A deep copy (every frozen head copied), for a copy of the owning network.</summary>
    internal HeadInjection DeepCopy()
    {
        var copy = new HeadInjection(FirstLayer);
        for (int i = 0; i < Count; i++) copy.Add(frozenHeads[i].DeepCopy(), frozenCopies[i].DeepCopy());
        return copy;
    }

    /// <summary>Copies the values of <paramref name="source"/>'s frozen parts into this one's, of the same shape.</summary>
    internal void CopyStateFrom(HeadInjection source)
    {
        for (int i = 0; i < Count; i++)
        {
            frozenHeads[i].CopyStateFrom(source.frozenHeads[i]);
            frozenCopies[i].CopyStateFrom(source.frozenCopies[i]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var network in frozenHeads.Concat(frozenCopies)) network.Dispose();
        frozenHeads.Clear();
        frozenCopies.Clear();
    }

    private Tensor Run(PlasticNetwork frozen, Tensor z, bool training)
    {
        if (frozen.training != training) frozen.train(training);
        return frozen.RunHead(FirstLayer, z);
    }

    private static void Freeze(PlasticNetwork network)
    {
        foreach (var p in network.parameters()) p.requires_grad_(false);
    }
}
