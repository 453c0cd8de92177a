using Plasticity.ML.Common;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The non-scalar output of one probe point's panel: the C_k matrix (with the sample labels, to order a heatmap by
/// label) and the Hessian density curve. Kept by <see cref="StatisticsPanelHook"/> when
/// <see cref="StatisticsPanelOptions.KeepArtifacts"/> is set.
/// </summary>
public sealed record StatisticsPanelArtifact
{
    /// <summary>The task after which the point was taken; -1 for the initial network.</summary>
    public int TaskIndex { get; init; }

    /// <summary>Global step of the point.</summary>
    public long GlobalStep { get; init; }

    /// <summary>C_k, if computed.</summary>
    public GradientCovarianceResult? GradientCovariance { get; init; }

    /// <summary>Class label of each C_k row (label tasks only), in matrix order.</summary>
    public long[]? GradientCovarianceLabels { get; init; }

    /// <summary>The Hessian density, if computed.</summary>
    public HessianDensity? HessianDensity { get; init; }

    /// <summary>
    /// Writes <c>{prefix}-ck.csv</c> and <c>{prefix}-ck-labels.csv</c> (when present) and
    /// <c>{prefix}-hessian-density.json</c> into <paramref name="directory"/>; returns the paths written.
    /// </summary>
    public IReadOnlyList<string> WriteFiles(string directory, string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        if (GradientCovariance is not null)
        {
            var path = Path.Combine(directory, prefix + "-ck.csv");
            GradientCovariance.WriteCsv(path);
            written.Add(path);
            if (GradientCovarianceLabels is not null)
            {
                var labels = Path.Combine(directory, prefix + "-ck-labels.csv");
                AtomicFile.WriteAllText(labels, string.Join("\n", GradientCovarianceLabels) + "\n");
                written.Add(labels);
            }
        }
        if (HessianDensity is not null)
        {
            var path = Path.Combine(directory, prefix + "-hessian-density.json");
            PlasticityJson.WriteFile(path, HessianDensity);
            written.Add(path);
        }
        return written;
    }
}
