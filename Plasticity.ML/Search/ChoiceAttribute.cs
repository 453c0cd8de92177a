namespace Plasticity.ML.Search;

/// <summary>
/// Marks an option as a choice among <see cref="Candidates"/> (strings, numbers or enum values of one type).
/// Same shape and meaning as ML.NET's <c>Microsoft.ML.SearchSpace.ChoiceAttribute</c>; the search space reader reads
/// either one by name. Without <see cref="DefaultValue"/> the default is the first candidate (ML.NET's rule) unless the
/// space is built from an options instance, whose current value is the default.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class ChoiceAttribute : Attribute
{
    /// <summary>A choice among <paramref name="candidates"/>.</summary>
    /// <param name="candidates">The values to choose from, all of one type.</param>
    public ChoiceAttribute(params object[] candidates) => (Candidates, DefaultValue) = (candidates, null);

    /// <summary>A choice among <paramref name="candidates"/> with the default <paramref name="defaultValue"/>.</summary>
    /// <param name="candidates">The values to choose from, all of one type.</param>
    /// <param name="defaultValue">The default, one of <paramref name="candidates"/>.</param>
    public ChoiceAttribute(object[] candidates, object defaultValue) => (Candidates, DefaultValue) = (candidates, defaultValue);

    /// <summary>The values to choose from.</summary>
    public object[] Candidates { get; }

    /// <summary>The default value; null for none.</summary>
    public object? DefaultValue { get; }
}
