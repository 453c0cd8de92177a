using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Tuners;

/// <summary>Whether a search wants the metric small (a loss) or large (an accuracy).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OptimizationDirection>))]
public enum OptimizationDirection
{
    /// <summary>Smaller metrics are better.</summary>
    Minimize,

    /// <summary>Larger metrics are better.</summary>
    Maximize,
}
