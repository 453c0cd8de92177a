using System.Diagnostics;
using System.Reflection;

namespace Plasticity.ML.Search.Space;

/// <summary>
/// Writes parameter values into a copy of an options object, following dotted member paths into nested options.
/// The original is never modified: every object on a written path is copied first (records through their
/// compiler-made clone, which runs the copy constructor; other classes member by member), so records with init-only
/// properties and ML.NET-style mutable options classes both work, and shared instances stay untouched.
/// </summary>
internal static class OptionsWriter
{
    /// <summary>A copy of <paramref name="options"/> with <paramref name="values"/> written into it.</summary>
    public static object Write(object options, IEnumerable<KeyValuePair<string, ParameterValue>> values) =>
        Write(options, values.Select(kv => (Path: kv.Key, Segments: kv.Key.Split('.'), kv.Value)).ToList(), prefix: "");

    /// <summary>The value at <paramref name="path"/> in <paramref name="options"/>, as a parameter value.</summary>
    public static ParameterValue Read(object options, string path)
    {
        object current = options;
        var segments = path.Split('.');
        for (int i = 0; i < segments.Length; i++)
        {
            var member = OptionMember.Find(current.GetType(), segments[i], path);
            var value = member.GetValue(current);
            if (i == segments.Length - 1) return OptionValues.FromClr(value, member.Type, path);
            current = value ?? throw new ArgumentException($"Parameter \"{path}\": {string.Join('.', segments[..(i + 1)])} is null.");
        }
        throw new UnreachableException();
    }

    private static object Write(object target, List<(string Path, string[] Segments, ParameterValue Value)> items, string prefix)
    {
        var copy = Copy(target);
        foreach (var group in items.GroupBy(i => i.Segments[0], StringComparer.Ordinal))
        {
            string here = prefix + group.Key;
            var member = OptionMember.Find(copy.GetType(), group.Key, group.First().Path);
            var leaves = group.Where(i => i.Segments.Length == 1).ToList();
            var deeper = group.Where(i => i.Segments.Length > 1).ToList();
            if (leaves.Count > 0 && deeper.Count > 0)
                throw new ArgumentException($"Parameter \"{here}\" is set both as a value and as nested options ({deeper[0].Path}).");
            if (leaves.Count > 0)
            {
                var (path, _, value) = leaves[0];
                member.SetValue(copy, OptionValues.ToClr(value, member.Type, member.GetValue(copy), path), path);
                continue;
            }
            var nested = member.GetValue(copy)
                ?? throw new ArgumentException($"Parameter \"{deeper[0].Path}\": {here} is null, so there are no nested options to set.");
            var written = Write(nested, deeper.Select(i => (i.Path, i.Segments[1..], i.Value)).ToList(), here + ".");
            member.SetValue(copy, written, deeper[0].Path);
        }
        return copy;
    }

    private static readonly MethodInfo MemberwiseCloneMethod =
        typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static object Copy(object target)
    {
        // Records expose their clone method as "<Clone>$"; it runs the copy constructor (which may do more than copy fields).
        var clone = target.GetType().GetMethod("<Clone>$", BindingFlags.Instance | BindingFlags.Public, Type.EmptyTypes);
        return clone is not null ? clone.Invoke(target, null)! : MemberwiseCloneMethod.Invoke(target, null)!;
    }
}
