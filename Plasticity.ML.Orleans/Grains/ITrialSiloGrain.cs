using Orleans.Concurrency;
using Plasticity.ML.Orleans.Messages;

namespace Plasticity.ML.Orleans.Grains;

/// <summary>
/// A silo's offer to searches, keyed by the silo's address (<c>SiloAddress.ToParsableString()</c>) and placed on that
/// silo with a placement hint: how many trials it runs at once. An answer from another silo (the hint could not be
/// honoured: the silo is gone or hosts no trials) names that other silo, and the search ignores it.
/// </summary>
[Alias("Plasticity.ML.Orleans.ITrialSiloGrain")]
public interface ITrialSiloGrain : IGrainWithStringKey
{
    /// <summary>The silo's address, slots and execution mode.</summary>
    [Alias("Info"), AlwaysInterleave]
    Task<TrialSiloInfo> GetInfoAsync();
}
