using Plasticity.ML.Networks;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// Saves and restores the frozen parts of a network's plasticity injection (<see cref="PlasticNetwork.Injection"/>),
/// which its <c>state_dict</c> does not hold: the injection intervention's own state, and an agent's target network.
/// </summary>
internal static class InjectionState
{
    /// <summary>Writes the number of injections, the head's first layer and every frozen head and copy (none for a
    /// network that was never injected, or none at all).</summary>
    public static void Save(PlasticNetwork? network, StateBag state)
    {
        var injection = network?.Injection;
        state.Set("injections", injection?.Count ?? 0);
        if (injection is null) return;
        state.Set("firstLayer", injection.FirstLayer);
        for (int i = 0; i < injection.Count; i++)
        {
            foreach (var (name, value) in injection.FrozenHeads[i].state_dict()) state.Set($"head.{i}.{name}", value);
            foreach (var (name, value) in injection.FrozenCopies[i].state_dict()) state.Set($"copy.{i}.{name}", value);
        }
    }

    /// <summary>Gives <paramref name="network"/> the injection <see cref="Save"/> wrote, replacing any it had.</summary>
    /// <exception cref="InvalidDataException">The state is missing an entry or holds one of another shape.</exception>
    public static void Load(PlasticNetwork network, StateBag state)
    {
        int count = checked((int)state.GetInt64("injections"));
        network.RestoreInjectionShape(count == 0 ? 0 : checked((int)state.GetInt64("firstLayer")), count);
        for (int i = 0; i < count; i++)
        {
            foreach (var (name, value) in network.Injection!.FrozenHeads[i].state_dict()) state.CopyInto($"head.{i}.{name}", value);
            foreach (var (name, value) in network.Injection.FrozenCopies[i].state_dict()) state.CopyInto($"copy.{i}.{name}", value);
        }
    }
}
