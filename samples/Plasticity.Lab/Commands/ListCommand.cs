using Plasticity.Lab.Catalog;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>Lists the experiments.</summary>
public sealed class ListCommand(IAnsiConsole console) : Command<ListCommand.Settings>
{
    /// <summary>No settings.</summary>
    public sealed class Settings : CommandSettings;

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumn("experiment").AddColumn("what it shows");
        foreach (var e in ExperimentCatalog.All) table.AddRow(Markup.Escape(e.Name), Markup.Escape(e.Description));
        table.AddRow("search", Markup.Escape("Searches plasticity settings on a drifting stream and reports the best and the default settings on held-out windows (its own command: Plasticity.Lab search)."));
        console.Write(table);
        return 0;
    }
}
