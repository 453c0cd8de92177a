using System.Runtime.InteropServices;
using Plasticity.Lab.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab;

/// <summary>
/// The lab's entry point: <c>Plasticity.Lab [experiment] [--preset smoke|default|full] [--seeds N] [--out DIR] [--data PATH] [--spec FILE]</c>,
/// <c>Plasticity.Lab search [--preset smoke|default] [--tuner T] [--trials N] [--out DIR] [--cluster N [--kill-silo-after S]]</c>,
/// <c>Plasticity.Lab silo [--cluster-db INVARIANT --cluster-connection STRING]</c>, <c>Plasticity.Lab list</c>, and <c>Plasticity.Lab env-stats --game GAME [--policy P] [--episodes N] [--seed S] [--json FILE]</c>.
/// </summary>
public static class LabApp
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="console">Where output goes (tests pass a recording console); the terminal when null.</param>
    /// <param name="cancellationToken">Cancels the run; Ctrl+C and SIGTERM do the same.</param>
    public static int Run(string[] args, IAnsiConsole? console = null, CancellationToken cancellationToken = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The first Ctrl+C or SIGTERM (kill, docker stop, a scheduler ending a job) stops cleanly: each run checkpoints
        // where its state is whole (a probe in progress finishes first, which can take seconds), so the same command
        // resumes from there. A second one quits at once: the runs resume from their last checkpoints.
        bool StopCleanly(string what)
        {
            if (cancel.IsCancellationRequested) return false;
            (console ?? AnsiConsole.Console).MarkupLineInterpolated($"[yellow]Stopping[/] cleanly ({what}): work in progress is checkpointed first (a probe in progress finishes); a second {what} quits at once and loses the work since the last checkpoint.");
            cancel.Cancel();
            return true;
        }
        ConsoleCancelEventHandler onCancel = (_, e) => e.Cancel = StopCleanly("Ctrl+C");
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = StopCleanly("SIGTERM"));
        Console.CancelKeyPress += onCancel;
        try
        {
            var app = new CommandApp<RunCommand>();
            app.Configure(config =>
            {
                config.SetApplicationName("Plasticity.Lab");
                // A mistyped option (--parralel 2) or one this build does not know is an error, not silently ignored
                // while the run goes ahead with its defaults.
                config.UseStrictParsing();
                if (console is not null) config.ConfigureConsole(console);
                config.AddCommand<RunCommand>("run").WithDescription("Run an experiment (the default command).");
                config.AddCommand<Search.SearchCommand>("search").WithDescription("Search plasticity settings on a drifting stream (trials in worker processes; Ctrl+C stops, the same command resumes).");
                config.AddCommand<SiloCommand>("silo").WithDescription("Run an Orleans silo that runs search trials (for search --cluster-db on several machines; Ctrl+C stops it).");
                config.AddCommand<ListCommand>("list").WithDescription("List the experiments.");
                config.AddCommand<EnvStatsCommand>("env-stats").WithDescription("Play a game under a fixed policy and report its returns, lengths and channel statistics (JSON with --json).");
                config.PropagateExceptions();
            });
            return app.Run(args, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            (console ?? AnsiConsole.Console).MarkupLine("[yellow]Cancelled.[/] Finished runs (trials) and checkpoints are kept; run the same command again to resume.");
            return 130;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or CommandParseException or CommandRuntimeException or System.Text.Json.JsonException)
        {
            (console ?? AnsiConsole.Console).MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
            return 2;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
