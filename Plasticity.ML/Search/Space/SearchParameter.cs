namespace Plasticity.ML.Search.Space;

/// <summary>
/// One parameter of a <see cref="SearchSpace"/>: its name (a dotted member path), its default, and its map to and
/// from the unit interval that tuners search in. A <see cref="RangeParameter"/> or a <see cref="ChoiceParameter"/>.
/// </summary>
public abstract class SearchParameter
{
    private protected SearchParameter(string name)
    {
        ParameterNames.Check(name);
        Name = name;
    }

    /// <summary>The dotted member path, such as <c>Optimizer.LearningRate</c>.</summary>
    public string Name { get; }

    /// <summary>Number of unit-cube coordinates: 1, or 0 for a choice with a single candidate (a constant).</summary>
    public abstract int Dimension { get; }

    /// <summary>The default value (where a local search starts).</summary>
    public abstract ParameterValue Default { get; }

    /// <summary>True when <paramref name="value"/> is a value this parameter can take.</summary>
    public abstract bool Contains(ParameterValue value);

    /// <summary>The value at unit coordinate <paramref name="unit"/> in [0, 1] (ignored when <see cref="Dimension"/> is 0).</summary>
    public abstract ParameterValue FromUnit(double unit);

    /// <summary>The unit coordinate of <paramref name="value"/>; throws <see cref="ArgumentException"/> naming the parameter for a value it cannot take.</summary>
    public abstract double ToUnit(ParameterValue value);

    /// <summary>The parameter's domain in words, such as <c>range [1E-05, 0.1], log scale</c>.</summary>
    public abstract string Describe();

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter, the value and the domain unless <see cref="Contains"/> holds.</summary>
    public void Check(ParameterValue value)
    {
        if (!Contains(value))
            throw new ArgumentException($"Search parameter \"{Name}\" cannot take the value {value}; its domain is {Describe()}.");
    }

    /// <summary>The same parameter under another name (nesting adds a prefix).</summary>
    internal abstract SearchParameter Renamed(string name);

    /// <summary>The same parameter with another default (checked).</summary>
    internal abstract SearchParameter WithDefault(ParameterValue value);

    /// <summary>Throws <see cref="ArgumentException"/> naming the parameter unless <paramref name="unit"/> lies in [0, 1].</summary>
    private protected void CheckUnit(double unit)
    {
        if (!(unit >= 0 && unit <= 1))
            throw new ArgumentException($"Search parameter \"{Name}\": a unit-cube coordinate must lie in [0, 1]; got {unit}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Describe()}, default {Default}";
}
