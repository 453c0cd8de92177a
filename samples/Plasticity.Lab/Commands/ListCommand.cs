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
        console.Write(table);
        return 0;
    }
}
