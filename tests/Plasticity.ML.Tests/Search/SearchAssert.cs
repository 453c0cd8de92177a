using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Tests.Search;

/// <summary>Assertions on parameter sets.</summary>
public static class SearchAssert
{
    /// <summary>Same names; equal strings and booleans; numbers equal to a relative 1e-12 (a unit-cube round trip through
    /// exp and log may move the last bits of a log-scale value).</summary>
    public static void AreClose(ParameterSet expected, ParameterSet actual)
    {
        CollectionAssert.AreEqual(expected.Keys.ToArray(), actual.Keys.ToArray());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.AreEqual(e.Kind, a.Kind, name);
            if (e.Kind == ParameterValueKind.Number) Assert.AreEqual(e.Number, a.Number, 1e-12 * Math.Max(1, Math.Abs(e.Number)), name);
            else Assert.AreEqual(e, a, name);
        }
    }
}
