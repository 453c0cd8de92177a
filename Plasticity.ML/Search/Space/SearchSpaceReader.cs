namespace Plasticity.ML.Search.Space;

/// <summary>
/// Builds search parameters from an options type by reading its search attributes BY NAME: Plasticity.ML's own
/// (<c>Plasticity.ML.Search.RangeAttribute</c>, ...) and ML.NET's (<c>Microsoft.ML.SearchSpace.RangeAttribute</c>, ...)
/// are read alike through their public properties, so the core never references Microsoft.ML. Attributes of other
/// namespaces with the same short name (such as <c>System.ComponentModel.DataAnnotations.RangeAttribute</c>) are ignored.
/// </summary>
internal static class SearchSpaceReader
{
    private static readonly string[] Namespaces = ["Plasticity.ML.Search", "Microsoft.ML.SearchSpace"];

    /// <summary>The parameters of <paramref name="type"/>, nested options included, named by dotted member path.</summary>
    public static List<SearchParameter> Read(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var parameters = new List<SearchParameter>();
        Read(type, prefix: "", parameters, [type]);
        return parameters;
    }

    private static void Read(Type type, string prefix, List<SearchParameter> parameters, List<Type> enclosing)
    {
        foreach (var member in OptionMember.All(type))
        {
            var found = member.Attributes.Select(a => (Attribute: a, Kind: KindOf(a))).Where(a => a.Kind is not null).ToList();
            if (found.Count == 0) continue;
            string path = prefix + member.Name;
            if (found.Count > 1)
                throw new ArgumentException($"Search space of {enclosing[0].Name}: \"{path}\" carries {string.Join(" and ", found.Select(f => f.Attribute.GetType().Name))}; a member takes one search attribute.");
            var (attribute, kind) = found[0];
            switch (kind)
            {
                case "RangeAttribute": parameters.Add(ReadRange(attribute, member, path)); break;
                case "ChoiceAttribute": parameters.Add(ReadChoice(attribute, member, path)); break;
                case "BooleanChoiceAttribute": parameters.Add(ReadBoolean(attribute, member, path)); break;
                default: ReadNested(member, path, parameters, enclosing); break;
            }
        }
    }

    private static string? KindOf(object attribute)
    {
        var type = attribute.GetType();
        if (type.Namespace is null || !Namespaces.Contains(type.Namespace, StringComparer.Ordinal)) return null;
        return type.Name is "RangeAttribute" or "ChoiceAttribute" or "BooleanChoiceAttribute" or "NestOptionAttribute" ? type.Name : null;
    }

    private static SearchParameter ReadRange(object attribute, OptionMember member, string path)
    {
        object? min = Get(attribute, "Min"), max = Get(attribute, "Max"), init = Get(attribute, "Init");
        bool logBase = Get(attribute, "LogBase") is true;
        bool isInteger = min is int;
        if (min is not (int or double or float) || max?.GetType() != min.GetType() || (init is not null && init.GetType() != min.GetType()))
            throw new ArgumentException($"Parameter \"{path}\": a Range needs Min, Max and Init of one type, int, double or float; got {Describe(min)}, {Describe(max)}, {Describe(init)}.");
        var target = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
        bool integralTarget = OptionValues.IsIntegral(target) || target == typeof(int[]) || target == typeof(long[]);
        if (!OptionValues.IsNumeric(target) && !integralTarget)
            throw new ArgumentException($"Parameter \"{path}\": a Range applies to a numeric member (or an int[]/long[] of widths); the member is a {member.Type.Name}.");
        if (integralTarget && !isInteger)
            throw new ArgumentException($"Parameter \"{path}\": the member is a {member.Type.Name}, so its Range needs int bounds; got {min.GetType().Name} bounds {min} and {max}.");
        return new RangeParameter(path, ToDouble(min), ToDouble(max!), init is null ? null : ToDouble(init), logBase, isInteger);
    }

    private static SearchParameter ReadChoice(object attribute, OptionMember member, string path)
    {
        if (Get(attribute, "Candidates") is not object[] candidates)
            throw new ArgumentException($"Parameter \"{path}\": a Choice needs its candidates.");
        var values = candidates.Select(c => Value(c, path)).ToList();
        object? given = Get(attribute, "DefaultValue");
        var parameter = new ChoiceParameter(path, values, given is null ? (ParameterValue?)null : Value(given, path));
        // Every candidate must fit the member, so that a proposal can always be applied.
        foreach (var value in values) OptionValues.ToClr(value, member.Type, current: null, path);
        return parameter;
    }

    private static SearchParameter ReadBoolean(object attribute, OptionMember member, string path)
    {
        if ((Nullable.GetUnderlyingType(member.Type) ?? member.Type) != typeof(bool))
            throw new ArgumentException($"Parameter \"{path}\": a BooleanChoice applies to a bool member; the member is a {member.Type.Name}.");
        return ChoiceParameter.Boolean(path, Get(attribute, "DefaultValue") is not false);
    }

    private static void ReadNested(OptionMember member, string path, List<SearchParameter> parameters, List<Type> enclosing)
    {
        var type = member.Type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type.IsArray || type.IsInterface)
            throw new ArgumentException($"Parameter \"{path}\": a NestOption applies to a member whose type holds options (a class or record); the member is a {type.Name}.");
        if (enclosing.Contains(type))
            throw new ArgumentException($"Parameter \"{path}\": the nested options of {type.Name} contain themselves.");
        enclosing.Add(type);
        int before = parameters.Count;
        Read(type, path + ".", parameters, enclosing);
        enclosing.RemoveAt(enclosing.Count - 1);
        if (parameters.Count == before)
            throw new ArgumentException($"Parameter \"{path}\": it is marked NestOption, but {type.Name} has no search attributes.");
    }

    private static object? Get(object attribute, string property) =>
        attribute.GetType().GetProperty(property)?.GetValue(attribute);

    private static ParameterValue Value(object candidate, string path)
    {
        try
        {
            return ParameterValue.FromObject(candidate);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Parameter \"{path}\": {e.Message}", e);
        }
    }

    private static double ToDouble(object value) => value switch
    {
        int i => i,
        float f => f,
        _ => (double)value,
    };

    private static string Describe(object? value) => value is null ? "null" : $"{value} ({value.GetType().Name})";
}
