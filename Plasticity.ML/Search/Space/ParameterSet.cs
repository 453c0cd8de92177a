using System.Collections;
using System.Text.Json.Serialization;
using Plasticity.ML.Common;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// Values in real units for named parameters (dotted member paths such as <c>Optimizer.LearningRate</c>): what a
/// tuner proposes and what <see cref="SearchSpace.Apply{T}(T, ParameterSet)"/> writes into an options object.
/// Immutable; ordered by name (segment by segment, ordinally), so equal sets serialize to equal JSON. Written to JSON
/// as one flat object, <c>{"Optimizer.LearningRate": 0.001, "Network.Normalization": "LayerNorm"}</c>.
/// </summary>
[JsonConverter(typeof(ParameterSetJsonConverter))]
public sealed class ParameterSet : IReadOnlyDictionary<string, ParameterValue>, IEquatable<ParameterSet>
{
    private readonly SortedDictionary<string, ParameterValue> values;

    /// <summary>Creates a set; throws <see cref="ArgumentException"/> for a malformed or repeated name.</summary>
    public ParameterSet(IEnumerable<KeyValuePair<string, ParameterValue>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        this.values = new SortedDictionary<string, ParameterValue>(ParameterNames.Comparer);
        foreach (var (name, value) in values)
        {
            ParameterNames.Check(name);
            if (!this.values.TryAdd(name, value))
                throw new ArgumentException($"The parameter \"{name}\" appears twice in one parameter set.", nameof(values));
        }
    }

    /// <summary>The set without parameters.</summary>
    public static ParameterSet Empty { get; } = new([]);

    /// <summary>The value of <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming it and the known names.</summary>
    public ParameterValue this[string name] => values.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"The parameter set has no parameter \"{name}\"; it holds {Describe(values.Keys)}.");

    /// <summary>The names, in order.</summary>
    public IEnumerable<string> Keys => values.Keys;

    /// <summary>The values, in the order of <see cref="Keys"/>.</summary>
    public IEnumerable<ParameterValue> Values => values.Values;

    /// <summary>Number of parameters.</summary>
    public int Count => values.Count;

    /// <summary>The number held by <paramref name="name"/>.</summary>
    public double GetNumber(string name) => this[name].Number;

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/> (added or replaced).</summary>
    public ParameterSet With(string name, ParameterValue value)
    {
        var copy = new Dictionary<string, ParameterValue>(values) { [name] = value };
        return new ParameterSet(copy);
    }

    /// <summary>The set as indented JSON (see the class remarks).</summary>
    public string ToJson() => PlasticityJson.Serialize(this);

    /// <summary>Reads a set written by <see cref="ToJson"/>.</summary>
    public static ParameterSet FromJson(string json) => PlasticityJson.Deserialize<ParameterSet>(json);

    /// <inheritdoc />
    public bool ContainsKey(string key) => values.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out ParameterValue value) => values.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, ParameterValue>> GetEnumerator() => values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>True when both sets hold the same names with equal values.</summary>
    public bool Equals(ParameterSet? other) =>
        other is not null && other.Count == Count && values.All(kv => other.values.TryGetValue(kv.Key, out var v) && v.Equals(kv.Value));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ParameterSet);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (name, value) in values)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    /// <summary>The set on one line: <c>{Optimizer.LearningRate=0.001, Network.Normalization="LayerNorm"}</c>.</summary>
    public override string ToString() => "{" + string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}")) + "}";

    internal static string Describe(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "no parameters" : string.Join(", ", list.Select(n => $"\"{n}\""));
    }
}
