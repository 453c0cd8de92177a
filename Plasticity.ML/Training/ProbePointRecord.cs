using Plasticity.ML.Diagnostics;

namespace Plasticity.ML.Training;

/// <summary>What was measured at one probe point: the probe, plus any statistics hooks added.</summary>
public sealed class ProbePointRecord
{
    /// <summary>The task after which it was taken; -1 for the initial network.</summary>
    public int TaskIndex { get; init; }

    /// <summary>Global step at which it was taken.</summary>
    public long GlobalStep { get; init; }

    /// <summary>The probe result, if a probe ran.</summary>
    public ProbeResult? Probe { get; set; }

    /// <summary>Named scalar statistics (e.g. "deadFraction", "featureSrank").</summary>
    public Dictionary<string, double> Statistics { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Seconds each statistic took, by the same names.</summary>
    public Dictionary<string, double> StatisticSeconds { get; init; } = new(StringComparer.Ordinal);
}
