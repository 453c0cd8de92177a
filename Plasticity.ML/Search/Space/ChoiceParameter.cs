namespace Plasticity.ML.Search.Space;

/// <summary>
/// A parameter that takes one of <see cref="Choices"/> (numbers, strings or booleans; enum members by name).
/// </summary>
/// <remarks>
/// The unit interval is cut into as many equal bins as there are choices, in the order given (ML.NET's
/// <c>ChoiceOption</c>); a choice maps to the middle of its bin, so a small step of a local search stays on it. A
/// single choice is a constant with no unit coordinate. A boolean choice is <c>[true, false]</c>, ML.NET's order.
/// </remarks>
public sealed class ChoiceParameter : SearchParameter
{
    private readonly ParameterValue[] choices;

    /// <summary>Creates a choice; throws <see cref="ArgumentException"/> naming the parameter for no, repeated or mixed-kind choices or a default that is not a choice.</summary>
    /// <param name="name">Dotted member path.</param>
    /// <param name="choices">The values, all of one kind, without repeats.</param>
    /// <param name="defaultValue">The default; null for the first choice.</param>
    public ChoiceParameter(string name, IEnumerable<ParameterValue> choices, ParameterValue? defaultValue = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(choices);
        this.choices = choices.ToArray();
        if (this.choices.Length == 0)
            throw new ArgumentException($"Search parameter \"{name}\": a choice needs at least one candidate.");
        if (this.choices.Select(c => c.Kind).Distinct().Count() > 1)
            throw new ArgumentException($"Search parameter \"{name}\": the candidates must be of one kind; got {string.Join(", ", this.choices)}.");
        var repeated = this.choices.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new ArgumentException($"Search parameter \"{name}\": the candidate {repeated.Key} appears more than once.");
        Default = defaultValue ?? this.choices[0];
        if (!Contains(Default))
            throw new ArgumentException($"Search parameter \"{name}\": the default {Default} is not one of its candidates, {Describe()}.");
    }

    /// <summary>A boolean choice, <c>[true, false]</c>.</summary>
    public static ChoiceParameter Boolean(string name, bool defaultValue = true) =>
        new(name, [ParameterValue.FromBoolean(true), ParameterValue.FromBoolean(false)], ParameterValue.FromBoolean(defaultValue));

    /// <summary>The candidates, in unit-interval order.</summary>
    public IReadOnlyList<ParameterValue> Choices => choices;

    /// <inheritdoc />
    public override int Dimension => choices.Length > 1 ? 1 : 0;

    /// <inheritdoc />
    public override ParameterValue Default { get; }

    /// <summary>The position of <paramref name="value"/> in <see cref="Choices"/>, or -1.</summary>
    public int IndexOf(ParameterValue value) => Array.IndexOf(choices, value);

    /// <inheritdoc />
    public override bool Contains(ParameterValue value) => IndexOf(value) >= 0;

    /// <inheritdoc />
    public override ParameterValue FromUnit(double unit)
    {
        CheckUnit(unit);
        return choices[Math.Min((int)Math.Floor(unit * choices.Length), choices.Length - 1)];
    }

    /// <inheritdoc />
    public override double ToUnit(ParameterValue value)
    {
        Check(value);
        return (IndexOf(value) + 0.5) / choices.Length;
    }

    /// <inheritdoc />
    public override string Describe() => $"choice of [{string.Join(", ", choices)}]";

    internal override SearchParameter Renamed(string name) => new ChoiceParameter(name, choices, Default);

    internal override SearchParameter WithDefault(ParameterValue value)
    {
        Check(value);
        return new ChoiceParameter(Name, choices, value);
    }
}
