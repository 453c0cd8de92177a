using System.Globalization;
using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Space;

/// <summary>What a <see cref="ParameterValue"/> holds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParameterValueKind>))]
public enum ParameterValueKind
{
    /// <summary>A finite number (integer parameters hold whole numbers).</summary>
    Number,

    /// <summary>A string: a string choice or the name of an enum member.</summary>
    Text,

    /// <summary>True or false.</summary>
    Boolean,
}

/// <summary>
/// One parameter's value in real units: a finite number, a string (enum members by name) or a boolean. Written to
/// JSON as the plain number, string or boolean.
/// </summary>
[JsonConverter(typeof(ParameterValueJsonConverter))]
public readonly struct ParameterValue : IEquatable<ParameterValue>
{
    private readonly double number;
    private readonly string? text;

    private ParameterValue(ParameterValueKind kind, double number, string? text)
    {
        Kind = kind;
        this.number = number;
        this.text = text;
    }

    /// <summary>What the value holds.</summary>
    public ParameterValueKind Kind { get; }

    /// <summary>The number; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public double Number => Kind == ParameterValueKind.Number ? number : throw WrongKind(ParameterValueKind.Number);

    /// <summary>The string; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public string Text => Kind == ParameterValueKind.Text ? text! : throw WrongKind(ParameterValueKind.Text);

    /// <summary>The boolean; throws <see cref="InvalidOperationException"/> for other kinds.</summary>
    public bool Boolean => Kind == ParameterValueKind.Boolean ? number != 0 : throw WrongKind(ParameterValueKind.Boolean);

    /// <summary>A number; throws <see cref="ArgumentException"/> for NaN or an infinity.</summary>
    public static ParameterValue FromNumber(double value) =>
        double.IsFinite(value) ? new(ParameterValueKind.Number, value, null) : throw new ArgumentException($"A parameter value must be a finite number; got {value}.", nameof(value));

    /// <summary>A string; throws <see cref="ArgumentNullException"/> for null.</summary>
    public static ParameterValue FromText(string value) => new(ParameterValueKind.Text, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A boolean.</summary>
    public static ParameterValue FromBoolean(bool value) => new(ParameterValueKind.Boolean, value ? 1 : 0, null);

    /// <summary>
    /// The value of a CLR object as an attribute or an option holds it: numbers (any primitive numeric type), strings,
    /// chars, booleans, and enum members (by name). Throws <see cref="ArgumentException"/> for anything else.
    /// </summary>
    public static ParameterValue FromObject(object value) => value switch
    {
        null => throw new ArgumentNullException(nameof(value)),
        bool b => FromBoolean(b),
        string s => FromText(s),
        char c => FromText(c.ToString()),
        Enum e => FromText(e.ToString()),
        double or float or decimal or int or long or short or byte or sbyte or uint or ulong or ushort =>
            FromNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"A parameter value must be a number, string, boolean or enum member; got a {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>A number.</summary>
    public static implicit operator ParameterValue(double value) => FromNumber(value);

    /// <summary>A whole number.</summary>
    public static implicit operator ParameterValue(int value) => FromNumber(value);

    /// <summary>A string.</summary>
    public static implicit operator ParameterValue(string value) => FromText(value);

    /// <summary>A boolean.</summary>
    public static implicit operator ParameterValue(bool value) => FromBoolean(value);

    /// <inheritdoc />
    public bool Equals(ParameterValue other) =>
        Kind == other.Kind && number.Equals(other.number) && string.Equals(text, other.text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ParameterValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, number, text);

    /// <summary>Equality.</summary>
    public static bool operator ==(ParameterValue left, ParameterValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(ParameterValue left, ParameterValue right) => !left.Equals(right);

    /// <summary>The value as written in messages: numbers round-trip ("R"), strings quoted, booleans lower case.</summary>
    public override string ToString() => Kind switch
    {
        ParameterValueKind.Number => number.ToString("R", CultureInfo.InvariantCulture),
        ParameterValueKind.Text => $"\"{text}\"",
        _ => number != 0 ? "true" : "false",
    };

    private InvalidOperationException WrongKind(ParameterValueKind wanted) =>
        new($"The parameter value {this} is a {Kind}, not a {wanted}.");
}
