using System.Globalization;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// A numeric parameter over [<see cref="Min"/>, <see cref="Max"/>], linear or log scale, continuous or integer.
/// </summary>
/// <remarks>
/// The unit coordinate is linear in the value, or in its logarithm with <see cref="LogBase"/> (ML.NET's
/// <c>UniformNumericOption</c>). An integer range gives every integer an equal share of the unit interval: it maps
/// [<c>Min - 0.5</c>, <c>Max + 0.5</c>] and rounds to the nearest integer, so an integer maps to a point inside its
/// own bin and back to itself exactly. (ML.NET floors over [<c>Min</c>, <c>Max</c>], which reaches <c>Max</c> only at
/// exactly 1; values in real units are what the two exchange, never unit points, so the difference is internal.)
/// </remarks>
public sealed class RangeParameter : SearchParameter
{
    private readonly double low;
    private readonly double high;

    /// <summary>Creates a range; throws <see cref="ArgumentException"/> naming the parameter for a bad bound or default.</summary>
    /// <param name="name">Dotted member path.</param>
    /// <param name="min">Smallest value (finite; positive on a log scale; whole for an integer range).</param>
    /// <param name="max">Largest value (finite, greater than <paramref name="min"/>; whole for an integer range).</param>
    /// <param name="init">Default value in [<paramref name="min"/>, <paramref name="max"/>]; null for <paramref name="min"/>.</param>
    /// <param name="logBase">Search on a log scale.</param>
    /// <param name="isInteger">Only whole numbers.</param>
    public RangeParameter(string name, double min, double max, double? init = null, bool logBase = false, bool isInteger = false)
        : base(name)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            throw new ArgumentException($"Search parameter \"{name}\": Min and Max must be finite; got Min = {F(min)}, Max = {F(max)}.");
        if (!(min < max))
            throw new ArgumentException($"Search parameter \"{name}\": the range is empty; Min must be less than Max, got Min = {F(min)}, Max = {F(max)}.");
        if (logBase && !(min > 0))
            throw new ArgumentException($"Search parameter \"{name}\": a log-scale range must lie above 0; got Min = {F(min)} (Max = {F(max)}).");
        if (isInteger && (Math.Floor(min) != min || Math.Floor(max) != max))
            throw new ArgumentException($"Search parameter \"{name}\": an integer range needs whole bounds; got Min = {F(min)}, Max = {F(max)}.");
        Min = min;
        Max = max;
        LogBase = logBase;
        IsInteger = isInteger;
        (low, high) = isInteger ? (min - 0.5, max + 0.5) : (min, max);
        Default = ParameterValue.FromNumber(init ?? min);
        if (init is { } given && !Contains(Default))
            throw new ArgumentException($"Search parameter \"{name}\": the default {F(given)} lies outside its domain, {Describe()}.");
    }

    /// <summary>Smallest value.</summary>
    public double Min { get; }

    /// <summary>Largest value.</summary>
    public double Max { get; }

    /// <summary>True on a log scale.</summary>
    public bool LogBase { get; }

    /// <summary>True when only whole numbers are allowed.</summary>
    public bool IsInteger { get; }

    /// <inheritdoc />
    public override int Dimension => 1;

    /// <inheritdoc />
    public override ParameterValue Default { get; }

    /// <inheritdoc />
    public override bool Contains(ParameterValue value) =>
        value.Kind == ParameterValueKind.Number && value.Number >= Min && value.Number <= Max && (!IsInteger || Math.Floor(value.Number) == value.Number);

    /// <inheritdoc />
    public override ParameterValue FromUnit(double unit)
    {
        CheckUnit(unit);
        // The ends map exactly (exp(log(x)) may miss x by an ulp).
        double v = unit == 0 ? low : unit == 1 ? high
            : LogBase ? Math.Exp(Math.Log(low) + unit * (Math.Log(high) - Math.Log(low))) : low + unit * (high - low);
        if (IsInteger) v = Math.Floor(v + 0.5);
        return ParameterValue.FromNumber(Math.Clamp(v, Min, Max));
    }

    /// <inheritdoc />
    public override double ToUnit(ParameterValue value)
    {
        Check(value);
        double x = value.Number;
        double unit = LogBase ? (Math.Log(x) - Math.Log(low)) / (Math.Log(high) - Math.Log(low)) : (x - low) / (high - low);
        return Math.Clamp(unit, 0, 1);
    }

    /// <summary>The value <paramref name="value"/> times <paramref name="factor"/>, clamped to the range (rounded for an integer range).</summary>
    public ParameterValue Scale(ParameterValue value, double factor)
    {
        Check(value);
        double v = value.Number * factor;
        if (IsInteger) v = Math.Floor(v + 0.5);
        return ParameterValue.FromNumber(Math.Clamp(v, Min, Max));
    }

    /// <inheritdoc />
    public override string Describe() =>
        $"{(IsInteger ? "integer range" : "range")} [{F(Min)}, {F(Max)}]{(LogBase ? ", log scale" : "")}";

    internal override SearchParameter Renamed(string name) => new RangeParameter(name, Min, Max, Default.Number, LogBase, IsInteger);

    internal override SearchParameter WithDefault(ParameterValue value)
    {
        Check(value);
        return new RangeParameter(Name, Min, Max, value.Number, LogBase, IsInteger);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
