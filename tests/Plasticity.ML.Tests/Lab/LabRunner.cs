using Plasticity.Lab;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// Runs the lab's command line in-process with a plain, wide, non-interactive console and captures what it prints.
/// The experiments run in their default mode, several runs side by side.
/// </summary>
internal static class LabRunner
{
    public static (int Exit, string Output) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs the lab with a cancellation token (what Ctrl+C cancels in a terminal).</summary>
    public static (int Exit, string Output) Run(CancellationToken cancellationToken, params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        return (LabApp.Run(args, console, cancellationToken), writer.ToString());
    }
}
