namespace Plasticity.ML.Orleans.Messages;

/// <summary>What a silo offers to searches: its address, how many trials it runs at once, and how.</summary>
[GenerateSerializer, Immutable, Alias("Plasticity.ML.Orleans.TrialSiloInfo")]
public sealed record TrialSiloInfo
{
    /// <summary>The silo's address (<c>SiloAddress.ToParsableString()</c>).</summary>
    [Id(0)]
    public string Silo { get; init; } = "";

    /// <summary>Trials the silo runs at once (one per core by default).</summary>
    [Id(1)]
    public int Slots { get; init; }

    /// <summary>The cores the silo's machine has (<see cref="Environment.ProcessorCount"/>).</summary>
    [Id(2)]
    public int Cores { get; init; }

    /// <summary>The silo's machine name.</summary>
    [Id(3)]
    public string Machine { get; init; } = "";

    /// <summary>The silo's process id.</summary>
    [Id(4)]
    public int ProcessId { get; init; }

    /// <summary>How the silo runs a trial: "threads" (a dedicated thread in the silo) or "processes" (a worker process per trial).</summary>
    [Id(5)]
    public string Execution { get; init; } = "";

    /// <summary>Trials running on the silo when it answered.</summary>
    [Id(6)]
    public int Running { get; init; }

    /// <summary>Such as "S127.0.0.1:11111:1234 (2 slots, threads, host/4321)".</summary>
    public override string ToString() => $"{Silo} ({Slots} slot{(Slots == 1 ? "" : "s")}, {Execution}, {Machine}/{ProcessId})";
}
