using System.Text.Json.Nodes;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// <c>state.json</c>: how many history lines the tuner state reflects, the tuner's exported state, and the search time
/// of the sessions so far. Written atomically after every history line.
/// </summary>
internal sealed record SearchState
{
    public int Format { get; init; } = 1;

    public required int Lines { get; init; }

    public JsonNode? Tuner { get; init; }

    public double Elapsed { get; init; }
}
