using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Experiment;

namespace Plasticity.ML.Tests.Search.Experiment;

/// <summary>Compares searches by what must not depend on timing: the trials' parameters, fidelities, statuses, metrics and scores.</summary>
internal static class SearchHistoryAssert
{
    /// <summary>Each trial of a result as JSON without its times, cost and worker.</summary>
    public static IReadOnlyList<string> Trials(SearchResult result) =>
        result.History.Select(t => PlasticityJson.Serialize(t with { Cost = 0, ProposedAt = 0, FinishedAt = t.FinishedAt is null ? null : 0, Worker = null })).ToList();

    /// <summary>The lines of history.jsonl without times, costs and workers, sorted (the order of lines may differ after a resume).</summary>
    public static IReadOnlyList<string> Lines(string folder) =>
        File.ReadAllLines(Path.Combine(folder, "history.jsonl"))
            .Select(l =>
            {
                var node = JsonNode.Parse(l)!.AsObject();
                foreach (var name in new[] { "time", "elapsed", "cost", "worker" }) node.Remove(name);
                return node.ToJsonString();
            })
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Asserts two searches recorded the same trials.</summary>
    public static void Same(SearchResult expected, SearchResult actual)
    {
        CollectionAssert.AreEqual(Trials(expected).ToArray(), Trials(actual).ToArray());
        CollectionAssert.AreEqual(Lines(expected.Folder).ToArray(), Lines(actual.Folder).ToArray());
    }
}
