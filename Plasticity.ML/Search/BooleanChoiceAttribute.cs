namespace Plasticity.ML.Search;

/// <summary>
/// Marks a <see cref="bool"/> option as a choice between true and false. Same shape and meaning as ML.NET's
/// <c>Microsoft.ML.SearchSpace.BooleanChoiceAttribute</c> (whose parameterless form defaults to true); the search
/// space reader reads either one by name.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class BooleanChoiceAttribute : Attribute
{
    /// <summary>A boolean choice defaulting to true.</summary>
    public BooleanChoiceAttribute() => DefaultValue = true;

    /// <summary>A boolean choice with the default <paramref name="defaultValue"/>.</summary>
    /// <param name="defaultValue">The default.</param>
    public BooleanChoiceAttribute(bool defaultValue) => DefaultValue = defaultValue;

    /// <summary>The default value.</summary>
    public bool DefaultValue { get; }
}
