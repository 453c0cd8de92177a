using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// An agent experiment: every variant runs every track with every seed, each run an agent trained through the track's
/// stages. Serializable, so the file a run writes repeats it exactly.
/// </summary>
public sealed record AgentExperimentSpec
{
    /// <summary>The experiment's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";

    /// <summary>The agent settings every variant starts from (<see cref="AgentOptions.TotalSteps"/> is not used: a run lasts its track's stages).</summary>
    public required AgentOptions Agent { get; init; }

    /// <summary>The images of classification-MDP environments; null when no track needs them.</summary>
    public DataSpec? Data { get; init; }

    /// <summary>What the runs train on.</summary>
    public required IReadOnlyList<AgentTrackSpec> Tracks { get; init; }

    /// <summary>The variants compared.</summary>
    public required IReadOnlyList<AgentVariantSpec> Variants { get; init; }

    /// <summary>Seeds per variant and track (unless <see cref="SeedList"/> names them).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>The first seed (seeds are consecutive; unless <see cref="SeedList"/> names them).</summary>
    public long FirstSeed { get; init; } = 1;

    /// <summary>
    /// The seeds of the runs when they are not consecutive, for example the seeds of an experiment whose records are
    /// kept while others were lost; when set, <see cref="Seeds"/> and <see cref="FirstSeed"/> are not used. Null: the
    /// <see cref="Seeds"/> seeds from <see cref="FirstSeed"/>.
    /// </summary>
    public IReadOnlyList<long>? SeedList { get; init; }

    /// <summary>Runs trained side by side (one thread each); 0 for one per core.</summary>
    public int ParallelRuns { get; init; }

    /// <summary>The seeds of the runs: <see cref="SeedList"/>, or <see cref="Seeds"/> consecutive seeds from <see cref="FirstSeed"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<long> RunSeeds => ExperimentSeeds.Of(Seeds, FirstSeed, SeedList);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException($"{nameof(Name)} must not be empty.");
        ArgumentNullException.ThrowIfNull(Agent, nameof(Agent));
        Agent.Validate();
        if (Tracks is null || Tracks.Count == 0) throw new ArgumentException($"{nameof(Tracks)} must hold at least one track.");
        if (Variants is null || Variants.Count == 0) throw new ArgumentException($"{nameof(Variants)} must hold at least one variant.");
        foreach (var track in Tracks) track.Validate();
        foreach (var variant in Variants) variant.Validate();
        Unique(Tracks.Select(t => t.Name), "track");
        Unique(Variants.Select(v => v.Name), "variant");
        if (Seeds < 1) throw new ArgumentException($"{nameof(Seeds)} must be at least 1; got {Seeds}.");
        ExperimentSeeds.Validate(SeedList);
        if (ParallelRuns < 0) throw new ArgumentException($"{nameof(ParallelRuns)} must be non-negative; got {ParallelRuns}.");
        if (Data is null && Tracks.SelectMany(t => t.Stages).FirstOrDefault(s => s.Environment.NeedsImages) is { } stage)
            throw new ArgumentException($"The environment '{stage.Environment.Name}' needs images: set {nameof(Data)}.");
    }

    private static void Unique(IEnumerable<string> names, string what)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
            if (!seen.Add(name)) throw new ArgumentException($"Two {what}s are named '{name}'.");
    }
}
