namespace Plasticity.ML.Search;

/// <summary>
/// Marks a numeric option as a search dimension over [<see cref="Min"/>, <see cref="Max"/>], optionally on a log scale.
/// Same shape and meaning as ML.NET's <c>Microsoft.ML.SearchSpace.RangeAttribute</c>: the search space reader
/// (<see cref="Space.SearchSpace.FromType(Type)"/>) reads either one by name, so the core's options need no ML.NET
/// reference and an ML.NET options class keeps ML.NET's own attribute.
/// </summary>
/// <remarks>
/// The type of <see cref="Min"/> decides the kind of range, as in ML.NET: <see cref="int"/> bounds make an integer
/// range, <see cref="double"/> or <see cref="float"/> bounds a continuous one. Without <see cref="Init"/> the default
/// is <see cref="Min"/> (ML.NET's rule) unless the space is built from an options instance
/// (<see cref="Space.SearchSpace.FromOptions{T}(T)"/>), whose current value is the default. An integer range on an
/// <c>int[]</c> option (such as hidden-layer widths) sets every element to the swept value; that is an addition of
/// this library, which ML.NET's reader does not share.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class RangeAttribute : Attribute
{
    /// <summary>A continuous range without an explicit default.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(double min, double max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null, logBase);

    /// <summary>A continuous range with the default <paramref name="init"/>.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="init">Default value, where a local search starts.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(double min, double max, double init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    /// <summary>An integer range without an explicit default.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(int min, int max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null, logBase);

    /// <summary>An integer range with the default <paramref name="init"/>.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="init">Default value, where a local search starts.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(int min, int max, int init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    /// <summary>A single-precision range without an explicit default.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(float min, float max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null, logBase);

    /// <summary>A single-precision range with the default <paramref name="init"/>.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value.</param>
    /// <param name="init">Default value, where a local search starts.</param>
    /// <param name="logBase">Search on a log scale (needs <paramref name="min"/> &gt; 0).</param>
    public RangeAttribute(float min, float max, float init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    /// <summary>Smallest value: a boxed <see cref="int"/>, <see cref="double"/> or <see cref="float"/>.</summary>
    public object Min { get; }

    /// <summary>Largest value, of the same type as <see cref="Min"/>.</summary>
    public object Max { get; }

    /// <summary>Default value, of the same type as <see cref="Min"/>; null for none.</summary>
    public object? Init { get; }

    /// <summary>True to search on a log scale.</summary>
    public bool LogBase { get; }
}
