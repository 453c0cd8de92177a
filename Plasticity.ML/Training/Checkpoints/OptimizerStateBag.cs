using Plasticity.ML.Optimization;

namespace Plasticity.ML.Training.Checkpoints;

/// <summary>An <see cref="OptimizerState"/> as entries of a <see cref="StateBag"/> (kind, step count, each parameter's buffers).</summary>
public static class OptimizerStateBag
{
    /// <summary>Writes <paramref name="state"/> into <paramref name="bag"/>.</summary>
    public static void Write(OptimizerState state, StateBag bag)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(bag);
        bag.Set("kind", state.Kind.ToString());
        bag.Set("steps", state.StepCount);
        bag.Set("parameters", state.Parameters.Count);
        for (int i = 0; i < state.Parameters.Count; i++)
        {
            var names = state.Parameters[i].Keys.Order(StringComparer.Ordinal).ToArray();
            bag.Set($"p{i}.buffers", string.Join(',', names));
            foreach (var name in names) bag.Set($"p{i}.{name}", state.Parameters[i][name]);
        }
        var extra = state.Extra.Keys.Order(StringComparer.Ordinal).ToArray();
        bag.Set("extra", string.Join(',', extra));
        foreach (var name in extra) bag.Set($"extra.{name}", state.Extra[name]);
    }

    /// <summary>Reads the state <see cref="Write"/> wrote; throws <see cref="InvalidDataException"/> naming a bad entry.</summary>
    public static OptimizerState Read(StateBag bag)
    {
        ArgumentNullException.ThrowIfNull(bag);
        if (!Enum.TryParse<OptimizerKind>(bag.GetText("kind"), out var kind))
            throw new InvalidDataException($"{bag.Name}: unknown optimizer kind '{bag.GetText("kind")}'.");
        long count = bag.GetInt64("parameters");
        if (count < 0 || count > 1 << 20) throw new InvalidDataException($"{bag.Name}: invalid parameter count {count}.");
        var parameters = new List<Dictionary<string, float[]>>((int)count);
        for (int i = 0; i < count; i++)
        {
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var name in bag.GetText($"p{i}.buffers").Split(',', StringSplitOptions.RemoveEmptyEntries))
                buffers[name] = bag.GetSingleArray($"p{i}.{name}");
            parameters.Add(buffers);
        }
        var extra = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (bag.Contains("extra"))
            foreach (var name in bag.GetText("extra").Split(',', StringSplitOptions.RemoveEmptyEntries))
                extra[name] = bag.GetDoubleArray($"extra.{name}");
        return new OptimizerState { Kind = kind, StepCount = bag.GetInt64("steps"), Parameters = parameters, Extra = extra };
    }
}
