using Plasticity.Lab;
using Spectre.Console;

namespace Plasticity.ML.Tests.Lab;

/// <summary>
/// Runs the lab's command line in-process with a plain, wide, non-interactive console and captures what it prints.
/// The tests pass <c>--parallel 1</c>: libtorch 2.10 (TorchSharp 0.107) can fail an internal assert in
/// c10/core/Scalar.h when runs do autograd on two threads at once (a CI run of the mechanisms smoke test hit it
/// inside <c>square()</c>); one run at a time keeps the suite deterministic.
/// </summary>
internal static class LabRunner
{
    public static (int Exit, string Output) Run(params string[] args)
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
        return (LabApp.Run(args, console), writer.ToString());
    }
}
