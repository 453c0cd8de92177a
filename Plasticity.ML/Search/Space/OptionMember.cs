using System.Reflection;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// A public instance property or field of an options type, read and written by reflection. Init-only properties
/// are written too (on copies only: see <see cref="OptionsWriter"/>), which is how records take a parameter set.
/// </summary>
internal sealed class OptionMember
{
    private readonly PropertyInfo? propertyInfo;
    private readonly FieldInfo? fieldInfo;

    private OptionMember(PropertyInfo propertyInfo) => (this.propertyInfo, Type) = (propertyInfo, propertyInfo.PropertyType);

    private OptionMember(FieldInfo fieldInfo) => (this.fieldInfo, Type) = (fieldInfo, fieldInfo.FieldType);

    /// <summary>The member's name.</summary>
    public string Name => propertyInfo?.Name ?? fieldInfo!.Name;

    /// <summary>The member's declared type.</summary>
    public Type Type { get; }

    /// <summary>The attributes declared on the member.</summary>
    public object[] Attributes => propertyInfo?.GetCustomAttributes(inherit: false) ?? fieldInfo!.GetCustomAttributes(inherit: false);

    /// <summary>The public instance properties (with a public getter, not indexers) and fields of <paramref name="type"/>;
    /// when a derived type hides a member, the most derived one.</summary>
    public static IEnumerable<OptionMember> All(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => new OptionMember(p));
        var fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance).Select(f => new OptionMember(f));
        return properties.Concat(fields)
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(m => Depth(m.DeclaringType)).First());
    }

    /// <summary>The member <paramref name="name"/> of <paramref name="type"/>; throws <see cref="ArgumentException"/> naming the parameter path.</summary>
    public static OptionMember Find(Type type, string name, string path) =>
        All(type).FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"Parameter \"{path}\": {type.Name} has no public property or field named \"{name}\".");

    /// <summary>The member's value on <paramref name="target"/>.</summary>
    public object? GetValue(object target) => propertyInfo is not null ? propertyInfo.GetValue(target) : fieldInfo!.GetValue(target);

    /// <summary>Writes the member on <paramref name="target"/>; throws <see cref="ArgumentException"/> naming the path when it has no public setter.</summary>
    public void SetValue(object target, object? value, string path)
    {
        if (fieldInfo is not null)
        {
            if (fieldInfo.IsInitOnly || fieldInfo.IsLiteral)
                throw new ArgumentException($"Parameter \"{path}\": the field {fieldInfo.DeclaringType?.Name}.{fieldInfo.Name} is read-only.");
            fieldInfo.SetValue(target, value);
            return;
        }
        if (propertyInfo!.SetMethod is not { IsPublic: true })
            throw new ArgumentException($"Parameter \"{path}\": the property {propertyInfo.DeclaringType?.Name}.{propertyInfo.Name} has no public setter or init accessor.");
        propertyInfo.SetValue(target, value);
    }

    private Type? DeclaringType => propertyInfo?.DeclaringType ?? fieldInfo!.DeclaringType;

    private static int Depth(Type? type)
    {
        int depth = 0;
        for (; type is not null; type = type.BaseType) depth++;
        return depth;
    }
}
