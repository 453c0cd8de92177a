using Plasticity.Lab.Reporting;
using Plasticity.ML.Experiments.Agents;
using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.Lab.Reinforcement;

/// <summary>
/// The standard plots of an agent experiment: the learning curve of each track (mean evaluation return over training,
/// a band of ± one standard deviation over seeds, one line per variant, the games of a chain marked), and the probe loss
/// and dormant-unit fraction over training.
/// </summary>
public static class AgentPlots
{
    /// <summary>Tracks beyond this many are pooled per variant in the probe and dormant-unit plots (one line per variant).</summary>
    private const int TracksShownSeparately = 3;

    /// <summary>Writes the plots into <paramref name="folder"/>; returns their file names.</summary>
    public static IReadOnlyList<string> Write(AgentExperimentResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        var files = new List<string>();
        var spec = result.Spec;
        foreach (var track in spec.Tracks)
        {
            var plot = new BandPlot($"{track.Name}: mean evaluation return (± std over seeds)", "environment steps (thousands)", "return");
            bool any = false;
            foreach (var variant in spec.Variants)
            {
                var curve = AgentCurves.Evaluations(result.ResultsOf(track.Name, variant.Name));
                if (curve.Count == 0) continue;
                any = true;
                var (x, mean, std) = AgentCurves.ForPlot(curve);
                plot.Add(variant.Name, x, mean, std);
            }
            if (!any) continue;
            long start = 0;
            if (track.Stages.Count > 1)
                foreach (var stage in track.Stages)
                {
                    plot.AddMarker(start / 1000.0, stage.Environment.Name);
                    start += stage.Steps;
                }
            string file = $"learning-curve-{FileName(track.Name)}.png";
            plot.SavePng(Path.Combine(folder, file));
            files.Add(file);
        }

        var probe = new BandPlot("Plasticity probe loss over training (lower = more plastic)", "environment steps (thousands)", "probe loss (MSE)");
        var dormant = new BandPlot("Dormant units (tau = 0.1) over training, measured on replay", "environment steps (thousands)", "dormant fraction");
        bool pooled = spec.Tracks.Count > TracksShownSeparately;
        bool hasProbe = false, hasDormant = false;
        foreach (var (name, runs) in Groups(result, pooled))
        {
            var p = AgentCurves.ProbeLoss(runs);
            if (p.Count > 0)
            {
                hasProbe = true;
                var (x, m, s) = AgentCurves.ForPlot(p);
                probe.Add(name, x, m, s);
            }
            var d = AgentCurves.Statistic(runs, AgentResultFiles.DormantStatistic);
            if (d.Count > 0)
            {
                hasDormant = true;
                var (x, m, s) = AgentCurves.ForPlot(d);
                dormant.Add(name, x, m, s);
            }
        }
        if (hasProbe)
        {
            probe.SavePng(Path.Combine(folder, "probe-loss.png"));
            files.Add("probe-loss.png");
        }
        if (hasDormant)
        {
            dormant.SavePng(Path.Combine(folder, "dormant-units.png"));
            files.Add("dormant-units.png");
        }
        return files;
    }

    /// <summary>The series of the probe and unit plots: per variant over every track (pooled), or per track and variant.</summary>
    private static IEnumerable<(string Name, IReadOnlyList<AgentRunResult> Runs)> Groups(AgentExperimentResult result, bool pooled)
    {
        var spec = result.Spec;
        if (pooled)
        {
            foreach (var variant in spec.Variants)
                yield return ($"{variant.Name} (all {spec.Tracks.Count} tracks)", spec.Tracks.SelectMany(t => result.ResultsOf(t.Name, variant.Name)).ToList());
            yield break;
        }
        foreach (var track in spec.Tracks)
            foreach (var variant in spec.Variants)
                yield return (spec.Tracks.Count == 1 ? variant.Name : $"{track.Name}/{variant.Name}", result.ResultsOf(track.Name, variant.Name));
    }

    /// <summary>A track name as a file name.</summary>
    public static string FileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
}
