using System.Text.Json.Serialization;

namespace Plasticity.ML.Experiments.Falsification;

/// <summary>The verdict of the sign-reversal test for one statistic.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SignPattern>))]
public enum SignPattern
{
    /// <summary>No group has a defined correlation (too few runs, or the statistic is constant in every group).</summary>
    Undefined,

    /// <summary>Only one group has a defined correlation: nothing to compare.</summary>
    SingleGroup,

    /// <summary>Every group with a defined correlation has r &gt; 0.</summary>
    ConsistentPositive,

    /// <summary>Every group with a defined correlation has r &lt; 0.</summary>
    ConsistentNegative,

    /// <summary>Some group has r &gt; 0 and another r &lt; 0: not a candidate for a universal cause.</summary>
    Flips,
}
