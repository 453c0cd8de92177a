namespace Plasticity.ML.Search.Space;

/// <summary>
/// Parameter names are dotted member paths (<c>Optimizer.LearningRate</c>). Spaces and parameter sets order them
/// segment by segment, ordinally, which is ML.NET's order (each nesting level sorted by name) and independent of
/// culture and of reflection's member order.
/// </summary>
internal static class ParameterNames
{
    /// <summary>Segment-wise ordinal order of dotted names.</summary>
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a dotted path of non-empty segments.</summary>
    public static void Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Split('.').Any(s => s.Length == 0 || s.Trim() != s))
            throw new ArgumentException($"A parameter name must be a dotted path of non-empty member names, such as \"Optimizer.LearningRate\"; got \"{name}\".", nameof(name));
    }

    private static int Compare(string? a, string? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        var sa = a.Split('.');
        var sb = b.Split('.');
        for (int i = 0; i < Math.Min(sa.Length, sb.Length); i++)
        {
            int c = string.CompareOrdinal(sa[i], sb[i]);
            if (c != 0) return c;
        }
        return sa.Length.CompareTo(sb.Length);
    }
}
