namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// What one run of an agent experiment trains on: a single game (one stage), or a chain of games (several stages on one
/// agent). Every variant and seed runs every track.
/// </summary>
public sealed record AgentTrackSpec
{
    /// <summary>The track's name in files and reports (a game's name, or a chain's such as "space_invaders-asterix-seaquest").</summary>
    public required string Name { get; init; }

    /// <summary>The stages, in order.</summary>
    public required IReadOnlyList<AgentStageSpec> Stages { get; init; }

    /// <summary>Environment steps of the whole track.</summary>
    public long Steps => Stages.Sum(s => s.Steps);

    /// <summary>A track of one stage: <paramref name="environment"/> for <paramref name="steps"/> steps, named after it.</summary>
    public static AgentTrackSpec Single(AgentEnvironmentSpec environment, long steps) =>
        new() { Name = environment.Name, Stages = [new AgentStageSpec { Environment = environment, Steps = steps }] };

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException($"A track's {nameof(Name)} must not be empty.");
        if (Stages is null || Stages.Count == 0) throw new ArgumentException($"Track '{Name}' has no stages.");
        for (int k = 0; k < Stages.Count; k++)
        {
            try
            {
                Stages[k].Validate();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Track '{Name}', stage {k}: {e.Message}", e);
            }
        }
    }
}
