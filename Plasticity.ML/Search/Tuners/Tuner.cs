using System.Text.Json;
using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// What every tuner of this library shares: trial ids, the set of running proposals, checks on results, the
/// direction of the metric, and the export and import of the whole state as JSON (<see cref="IResumableTuner"/>).
/// </summary>
public abstract class Tuner : IResumableTuner
{
    private const int Format = 1;
    private readonly SortedDictionary<int, TrialProposal> pending = [];
    private readonly string optionsJson;
    private int nextId;

    private protected Tuner(SearchSpace space, OptimizationDirection direction, object options)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!Enum.IsDefined(direction)) throw new ArgumentException($"Direction {(int)direction} is not a {nameof(OptimizationDirection)}.", nameof(direction));
        Space = space;
        Direction = direction;
        optionsJson = JsonSerializer.Serialize(options, options.GetType(), PlasticityJson.Options);
    }

    /// <summary>The search space the tuner proposes from.</summary>
    public SearchSpace Space { get; }

    /// <summary>Whether smaller or larger metrics are better.</summary>
    public OptimizationDirection Direction { get; }

    /// <summary>The proposals that have not reported yet, by id (on resume, the trials that were in flight).</summary>
    public IReadOnlyCollection<TrialProposal> Pending => pending.Values;

    /// <inheritdoc />
    public TrialProposal? Propose()
    {
        var proposal = ProposeCore(nextId);
        if (proposal is null) return null;
        if (proposal.Id != nextId) throw new InvalidOperationException($"{GetType().Name} proposed id {proposal.Id} instead of {nextId}.");
        Space.Check(proposal.Parameters);
        pending.Add(proposal.Id, proposal);
        nextId++;
        return proposal;
    }

    /// <inheritdoc />
    public void Update(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Validate();
        if (!pending.TryGetValue(result.Id, out var proposal))
            throw new ArgumentException(result.Id >= 0 && result.Id < nextId
                ? $"Trial {result.Id} has already reported its result."
                : $"Trial {result.Id} was never proposed by this tuner (ids so far: 0 to {nextId - 1}).");
        if (proposal.Fidelity is long fidelity && result.Intermediate.Count > 0 && result.Intermediate[^1].Fidelity > fidelity)
            throw new ArgumentException($"Trial {result.Id}: an intermediate result at fidelity {result.Intermediate[^1].Fidelity} lies beyond the trial's fidelity {fidelity}.");
        pending.Remove(result.Id);
        double loss = result.Status == TrialStatus.Failed ? double.PositiveInfinity
            : Direction == OptimizationDirection.Minimize ? result.Metric : -result.Metric;
        UpdateCore(proposal, result, loss);
    }

    /// <inheritdoc />
    public string ExportState()
    {
        var checkpoint = new JsonObject
        {
            ["tuner"] = GetType().Name,
            ["format"] = Format,
            ["space"] = Space.ToString(),
            ["options"] = JsonNode.Parse(optionsJson),
            ["nextId"] = nextId,
            ["pending"] = JsonSerializer.SerializeToNode(pending.Values.ToList(), PlasticityJson.Options),
            ["state"] = CaptureState(),
        };
        return checkpoint.ToJsonString(PlasticityJson.Options);
    }

    /// <inheritdoc />
    public void ImportState(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var root = JsonNode.Parse(state) as JsonObject ?? throw new JsonException("A tuner state must be a JSON object.");
        string tuner = Required(root, "tuner").GetValue<string>();
        if (tuner != GetType().Name) throw new ArgumentException($"The state belongs to a {tuner}, not a {GetType().Name}.", nameof(state));
        int format = Required(root, "format").GetValue<int>();
        if (format != Format) throw new ArgumentException($"The state has format {format}; this version reads format {Format}.", nameof(state));
        if (Required(root, "space").GetValue<string>() != Space.ToString())
            throw new ArgumentException($"The state was written for another search space:\n{root["space"]}\nthis tuner searches:\n{Space}", nameof(state));
        string options = Required(root, "options").ToJsonString(PlasticityJson.Options);
        if (options != JsonNode.Parse(optionsJson)!.ToJsonString(PlasticityJson.Options))
            throw new ArgumentException($"The state was written with other options: {options}; this tuner has {optionsJson}.", nameof(state));
        int next = Required(root, "nextId").GetValue<int>();
        var proposals = Required(root, "pending").Deserialize<List<TrialProposal>>(PlasticityJson.Options)
            ?? throw new JsonException("The tuner state's pending list is null.");
        RestoreState(Required(root, "state"));
        nextId = next;
        pending.Clear();
        foreach (var p in proposals) pending.Add(p.Id, p);
    }

    /// <summary>Proposes trial <paramref name="id"/>, or returns null (see <see cref="ITuner.Propose"/>).</summary>
    private protected abstract TrialProposal? ProposeCore(int id);

    /// <summary>Learns from a result; <paramref name="loss"/> is the metric turned into "smaller is better" (+infinity for a failure).</summary>
    private protected abstract void UpdateCore(TrialProposal proposal, TrialResult result, double loss);

    /// <summary>The tuner-specific state as JSON.</summary>
    private protected abstract JsonNode CaptureState();

    /// <summary>Restores the tuner-specific state written by <see cref="CaptureState"/>.</summary>
    private protected abstract void RestoreState(JsonNode state);

    /// <summary>Serializes a state record with the library's JSON settings.</summary>
    private protected static JsonNode ToNode<TState>(TState state) => JsonSerializer.SerializeToNode(state, PlasticityJson.Options)!;

    /// <summary>Deserializes a state record, throwing <see cref="JsonException"/> for null.</summary>
    private protected static TState FromNode<TState>(JsonNode state) =>
        state.Deserialize<TState>(PlasticityJson.Options) ?? throw new JsonException($"The tuner state holds null, not a {typeof(TState).Name}.");

    private static JsonNode Required(JsonObject root, string name) =>
        root[name] ?? throw new JsonException($"The tuner state has no \"{name}\".");
}
