using Plasticity.ML.Search.Trials;

namespace Plasticity.ML.Orleans.Messages;

/// <summary>What a silo says about an attempt at a trial.</summary>
[GenerateSerializer, Immutable, Alias("Plasticity.ML.Orleans.TrialAttemptReport")]
public sealed record TrialAttemptReport
{
    /// <summary>Where the attempt stands.</summary>
    [Id(0)]
    public TrialAttemptState State { get; init; }

    /// <summary>The trial's <see cref="TrialOutcome"/> as JSON when <see cref="State"/> is <see cref="TrialAttemptState.Completed"/>; otherwise null.</summary>
    [Id(1)]
    public string? Outcome { get; init; }

    /// <summary>Why the silo refused or stopped the attempt; null otherwise.</summary>
    [Id(2)]
    public string? Error { get; init; }

    /// <summary>The silo that answered (its address, <c>SiloAddress.ToParsableString()</c>).</summary>
    [Id(3)]
    public string Silo { get; init; } = "";
}
