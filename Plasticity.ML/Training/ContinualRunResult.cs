namespace Plasticity.ML.Training;

/// <summary>The outcome of a continual run.</summary>
public sealed record ContinualRunResult
{
    /// <summary>The options of the run.</summary>
    public required ContinualTrainingOptions Options { get; init; }

    /// <summary>Per-task metrics, in order.</summary>
    public required IReadOnlyList<TaskMetrics> Tasks { get; init; }

    /// <summary>The probe point of the initial network, if probes ran.</summary>
    public ProbePointRecord? InitialProbePoint { get; init; }

    /// <summary>Total seconds, probes included.</summary>
    public double Seconds { get; init; }

    /// <summary>The probe losses in order: the initial network, then each probed task.</summary>
    public IEnumerable<ProbePointRecord> ProbePoints =>
        (InitialProbePoint is null ? [] : new[] { InitialProbePoint })
            .Concat(Tasks.Where(t => t.ProbePoint is not null).Select(t => t.ProbePoint!));

    /// <summary>
    /// Plasticity loss: the last probe loss minus the initial one (positive = plasticity was lost), or NaN when
    /// fewer than two probe points exist.
    /// </summary>
    public double PlasticityLoss
    {
        get
        {
            var losses = ProbePoints.Where(p => p.Probe is not null).Select(p => p.Probe!.MeanLoss).ToList();
            return losses.Count < 2 ? double.NaN : losses[^1] - losses[0];
        }
    }
}
