using Plasticity.ML.Experiments.Agents;
using Spectre.Console;

namespace Plasticity.Lab.Reinforcement;

/// <summary>Shows an agent experiment's progress: live bars per run in a terminal, one line per message and finished run otherwise.</summary>
public static class AgentLabProgress
{
    /// <summary>Runs <paramref name="work"/> while displaying the progress it reports.</summary>
    public static AgentExperimentResult Run(IAnsiConsole console, AgentExperimentSpec spec, Func<IProgress<AgentExperimentProgress>, AgentExperimentResult> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(work);
        if (!console.Profile.Capabilities.Interactive) return work(new LineProgress(console));

        AgentExperimentResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                foreach (var track in spec.Tracks)
                    foreach (var variant in spec.Variants)
                        foreach (long seed in spec.RunSeeds)
                        {
                            string name = AgentExperimentProgress.RunNameOf(track.Name, variant.Name, seed);
                            tasks[name] = ctx.AddTask(Markup.Escape(name), autoStart: false, maxValue: 1.0);
                        }
                result = work(new BarProgress(console, tasks));
            });
        return result!;
    }

    private static string? Line(AgentExperimentProgress value) =>
        value.Agent.Message is { } message && value.Agent.Phase is "resumed" or "warning" or "stage" or "failed" ? $"{value.RunName}: {message}" : null;

    private sealed class BarProgress(IAnsiConsole console, Dictionary<string, ProgressTask> tasks) : IProgress<AgentExperimentProgress>
    {
        public void Report(AgentExperimentProgress value)
        {
            if (Line(value) is { } line)
            {
                string text = Markup.Escape(line);
                lock (tasks) console.MarkupLine(value.Agent.Phase is "warning" or "failed" ? $"[yellow]{text}[/]" : text);
            }
            if (!tasks.TryGetValue(value.RunName, out var task)) return;
            lock (task)
            {
                if (!task.IsStarted) task.StartTask();
                task.Value = value.Agent.Fraction;
                var a = value.Agent;
                string state = value.Stored ? "(stored)" : a.Phase is "done" or "failed" ? a.Phase
                    : $"{a.Phase} return {(double.IsNaN(a.RecentReturn) ? "-" : a.RecentReturn.ToString("F1"))}";
                task.Description = Markup.Escape($"{value.RunName} {state}");
                if (a.Phase is "done" or "failed") task.StopTask();
            }
        }
    }

    private sealed class LineProgress(IAnsiConsole console) : IProgress<AgentExperimentProgress>
    {
        private readonly object gate = new();

        public void Report(AgentExperimentProgress value)
        {
            if (Line(value) is { } line)
                lock (gate) console.WriteLine(line);
            if (value.Agent.Phase != "done") return;
            lock (gate) console.WriteLine($"{value.RunName}: {(value.Stored ? "reused stored run" : "done")}");
        }
    }
}
