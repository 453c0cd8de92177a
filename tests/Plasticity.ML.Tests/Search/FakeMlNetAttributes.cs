// Stand-ins with the exact full names, constructors and properties of the attributes ML.NET 5.0.1 ships in
// Microsoft.ML.Core (namespace Microsoft.ML.SearchSpace; checked by reflection on the shipped assembly). This test
// project does not reference Microsoft.ML, so declaring them here shows that the core's reader finds ML.NET's
// attributes by name alone. tests/Plasticity.ML.Estimators.Tests repeats the check with the real ones.
namespace Microsoft.ML.SearchSpace;

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class RangeAttribute : Attribute
{
    public RangeAttribute(double min, double max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null!, logBase);

    public RangeAttribute(double min, double max, double init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    public RangeAttribute(int min, int max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null!, logBase);

    public RangeAttribute(int min, int max, int init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    public RangeAttribute(float min, float max, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, null!, logBase);

    public RangeAttribute(float min, float max, float init, bool logBase = false) => (Min, Max, Init, LogBase) = (min, max, init, logBase);

    public object Min { get; }

    public object Max { get; }

    public object Init { get; }

    public bool LogBase { get; }
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class ChoiceAttribute : Attribute
{
    public ChoiceAttribute(params object[] candidates) => (Candidates, DefaultValue) = (candidates, null!);

    public ChoiceAttribute(object[] candidates, object defaultValue) => (Candidates, DefaultValue) = (candidates, defaultValue);

    public object[] Candidates { get; }

    public object DefaultValue { get; }
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class BooleanChoiceAttribute : Attribute
{
    public BooleanChoiceAttribute() => DefaultValue = true;

    public BooleanChoiceAttribute(bool defaultValue) => DefaultValue = defaultValue;

    public bool DefaultValue { get; }
}

[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = false, AllowMultiple = false)]
public sealed class NestOptionAttribute : Attribute
{
}
