using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Orleans.Messages;

/// <summary>
/// One attempt at a trial, as it travels to a silo: the trial's <see cref="TrialSpec"/> as JSON (plain data, never a
/// closure) and the attempt's identity. A trial moved to another silo after its silo died travels again as a new attempt
/// with the next <see cref="Number"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Plasticity.ML.Orleans.TrialWork")]
public sealed record TrialWork
{
    /// <summary>The attempt's id (the key of its <see cref="Grains.ITrialAttemptGrain"/>).</summary>
    [Id(0)]
    public Guid Attempt { get; init; }

    /// <summary>1 for the trial's first placement, 2 for its first re-run after a lost silo, and so on.</summary>
    [Id(1)]
    public int Number { get; init; } = 1;

    /// <summary>The trial: <see cref="TrialSpec.ToJson"/>.</summary>
    [Id(2)]
    public string Spec { get; init; } = "";

    /// <summary>Who sent it ("machine/pid" of the search), for the silo's log.</summary>
    [Id(3)]
    public string? Coordinator { get; init; }
}
