namespace Plasticity.ML.Search;

/// <summary>
/// Marks an option whose type holds more annotated options: the search space takes them in, named
/// <c>Outer.Inner</c>. Same meaning as ML.NET's <c>Microsoft.ML.SearchSpace.NestOptionAttribute</c>; the search
/// space reader reads either one by name.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class NestOptionAttribute : Attribute
{
    /// <summary>Marks a nested option.</summary>
    public NestOptionAttribute()
    {
    }
}
