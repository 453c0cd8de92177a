using Plasticity.ML.Networks;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// For an intervention that keeps a value per parameter or per unit of the network (an average, an anchor, a unit's
/// utility and age): notices a plasticity injection (<see cref="PlasticNetwork.InjectPlasticity"/>) and names the head it
/// re-drew. The old head lives on in the network's frozen part, so a value kept for the old head must start again from
/// the fresh one.
/// </summary>
internal sealed class InjectionFollower
{
    private const string StateName = "injections";
    private long followed; // the network's injection count already followed; -1: adopt the next one seen

    /// <summary>Follows <paramref name="network"/> from its present injections on.</summary>
    public void Start(PlasticNetwork network) => followed = network.Injection?.Count ?? 0;

    /// <summary>
    /// The first parameter layer of the head (<see cref="HeadInjection.FirstLayer"/>) if the network was injected since the
    /// last call (or since <see cref="Start"/>); otherwise null. Hidden layers from there on hold fresh units.
    /// </summary>
    public int? NewlyInjectedFirstLayer(PlasticNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var injection = network.Injection;
        int count = injection?.Count ?? 0;
        if (count == followed) return null;
        bool adopt = followed < 0;
        followed = count;
        return adopt || injection is null ? null : injection.FirstLayer;
    }

    /// <summary>
    /// The indices, in <c>parameters()</c> order, of the head's parameters if the network was injected since the last
    /// call (or since <see cref="Start"/>); otherwise none.
    /// </summary>
    public IReadOnlyList<int> NewlyInjectedHead(PlasticNetwork network)
    {
        if (NewlyInjectedFirstLayer(network) is not int first) return [];
        var head = network.ParameterLayers.Skip(first).SelectMany(l => l.parameters()).Select(p => p.Handle).ToHashSet();
        return network.parameters().Select((p, i) => (p, i)).Where(x => head.Contains(x.p.Handle)).Select(x => x.i).ToList();
    }

    /// <summary>Saves the count followed.</summary>
    public void Save(StateBag state) => state.Set(StateName, followed);

    /// <summary>Restores the count followed. A state saved before injections were followed adopts the network's count at
    /// the next call (the injection's own state may be restored after the caller's).</summary>
    public void Load(StateBag state) => followed = state.Contains(StateName) ? state.GetInt64(StateName) : -1;
}
