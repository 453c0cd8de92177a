using System.Globalization;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// Converts between a <see cref="ParameterValue"/> and the CLR value of an option member: numbers to any numeric
/// type (whole numbers only for integral types, within the type's range), strings to strings, chars and enum
/// members (by name), booleans to booleans, and a whole number to an <c>int[]</c> or <c>long[]</c> with every
/// element set (hidden-layer widths).
/// </summary>
internal static class OptionValues
{
    /// <summary>The CLR value of <paramref name="value"/> for a member of type <paramref name="type"/>; <paramref name="current"/>
    /// is the member's present value (an array's length comes from it). Throws <see cref="ArgumentException"/> naming <paramref name="path"/>.</summary>
    public static object ToClr(ParameterValue value, Type type, object? current, string path)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target.IsEnum)
        {
            if (value.Kind == ParameterValueKind.Text && Enum.GetNames(target).Contains(value.Text, StringComparer.Ordinal))
                return Enum.Parse(target, value.Text, ignoreCase: false);
            throw Mismatch(value, type, path, $"one of {string.Join(", ", Enum.GetNames(target))}");
        }
        if (target == typeof(string))
            return value.Kind == ParameterValueKind.Text ? value.Text : throw Mismatch(value, type, path, "a string");
        if (target == typeof(char))
            return value.Kind == ParameterValueKind.Text && value.Text.Length == 1 ? value.Text[0] : throw Mismatch(value, type, path, "a one-character string");
        if (target == typeof(bool))
            return value.Kind == ParameterValueKind.Boolean ? value.Boolean : throw Mismatch(value, type, path, "true or false");
        if (target == typeof(int[]) || target == typeof(long[]))
        {
            var array = current as Array;
            if (array is null || array.Length == 0)
                throw new ArgumentException($"Parameter \"{path}\": a swept width sets every element of the {type.Name}, but it is {(array is null ? "null" : "empty")}.");
            object element = ToClr(value, target.GetElementType()!, null, path);
            var filled = Array.CreateInstance(target.GetElementType()!, array.Length);
            for (int i = 0; i < filled.Length; i++) filled.SetValue(element, i);
            return filled;
        }
        if (IsNumeric(target))
        {
            if (value.Kind != ParameterValueKind.Number) throw Mismatch(value, type, path, "a number");
            double x = value.Number;
            if (IsIntegral(target) && Math.Floor(x) != x) throw Mismatch(value, type, path, "a whole number");
            try
            {
                return Convert.ChangeType(x, target, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                throw Mismatch(value, type, path, $"a number within the range of {target.Name}");
            }
        }
        throw new ArgumentException($"Parameter \"{path}\": a member of type {type.Name} cannot hold a search parameter (numbers, strings, booleans, enums and int[]/long[] widths can).");
    }

    /// <summary>The member value <paramref name="value"/> of type <paramref name="type"/> as a parameter value (the reverse of
    /// <see cref="ToClr"/>); throws <see cref="ArgumentException"/> naming <paramref name="path"/> for null, an empty or non-uniform array.</summary>
    public static ParameterValue FromClr(object? value, Type type, string path)
    {
        if (value is null) throw new ArgumentException($"Parameter \"{path}\": the options hold null, so there is no default to start from.");
        if (value is Array array)
        {
            var elements = array.Cast<object>().Select(e => Convert.ToDouble(e, CultureInfo.InvariantCulture)).ToArray();
            if (elements.Length == 0 || elements.Any(e => e != elements[0]))
                throw new ArgumentException($"Parameter \"{path}\": a swept width sets every element alike, so the options must hold equal elements to start from; got [{string.Join(", ", elements)}].");
            return ParameterValue.FromNumber(elements[0]);
        }
        try
        {
            return ParameterValue.FromObject(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Parameter \"{path}\": {e.Message}", e);
        }
    }

    /// <summary>True for the primitive numeric types and decimal.</summary>
    public static bool IsNumeric(Type type) => IsIntegral(type) || type == typeof(double) || type == typeof(float) || type == typeof(decimal);

    /// <summary>True for the integral primitive types.</summary>
    public static bool IsIntegral(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) ||
        type == typeof(sbyte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort);

    private static ArgumentException Mismatch(ParameterValue value, Type type, string path, string expected) =>
        new($"Parameter \"{path}\": the member is a {type.Name} and needs {expected}; got {value}.");
}
