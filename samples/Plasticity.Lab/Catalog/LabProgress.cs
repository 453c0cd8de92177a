using Plasticity.ML.Experiments;
using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>Shows experiment progress: live bars per run in a terminal, one line per finished run otherwise.</summary>
public static class LabProgress
{
    /// <summary>Runs <paramref name="work"/> while displaying the progress it reports.</summary>
    public static ExperimentResult Run(IAnsiConsole console, ExperimentSpec spec, Func<IProgress<ExperimentProgress>, ExperimentResult> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var finished = new object();
            return work(new LineProgress(console, finished));
        }

        ExperimentResult? result = null;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                foreach (var variant in spec.Variants)
                    foreach (long seed in spec.RunSeeds)
                    {
                        string name = $"{variant.Name}/seed-{seed}";
                        var task = ctx.AddTask(Markup.Escape(name), autoStart: false, maxValue: 1.0);
                        tasks[name] = task;
                    }
                result = work(new Progress(console, tasks));
            });
        return result!;
    }

    private sealed class Progress(IAnsiConsole console, Dictionary<string, ProgressTask> tasks) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            if (value.Training.Message is { } message)
            {
                string text = Markup.Escape($"{value.RunName}: {message}");
                lock (tasks) console.MarkupLine(value.Training.Phase == "warning" ? $"[yellow]{text}[/]" : text);
            }
            if (!tasks.TryGetValue(value.RunName, out var task)) return;
            lock (task)
            {
                if (!task.IsStarted) task.StartTask();
                task.Value = value.Training.Fraction;
                task.Description = Markup.Escape($"{value.RunName} {(value.Resumed ? "(stored)" : value.Training.Phase == "done" ? "" : $"task {value.Training.TaskIndex + 1}/{value.Training.TaskCount} {value.Training.Phase}")}");
                if (value.Training.Phase == "done") task.StopTask();
            }
        }
    }

    private sealed class LineProgress(IAnsiConsole console, object gate) : IProgress<ExperimentProgress>
    {
        public void Report(ExperimentProgress value)
        {
            if (value.Training.Message is { } message)
                lock (gate) console.WriteLine($"{value.RunName}: {message}");
            if (value.Training.Phase != "done") return;
            lock (gate) console.WriteLine($"{value.RunName}: {(value.Resumed ? "reused stored run" : "done")}");
        }
    }
}
