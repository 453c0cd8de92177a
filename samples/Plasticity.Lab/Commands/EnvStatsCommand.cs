using System.Globalization;
using System.Text.Json;
using Plasticity.Lab.Environments;
using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>
/// Plays a game under a fixed policy and prints (and optionally writes as JSON) its episode returns and lengths
/// and the mean number of active cells per channel, so that our games can be compared with another
/// implementation's.
/// </summary>
public sealed class EnvStatsCommand(IAnsiConsole console) : Command<EnvStatsSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, EnvStatsSettings settings, CancellationToken cancellationToken)
    {
        var policy = StatsPolicy.Parse(settings.Policy);
        string game = settings.Game!.Trim();
        using var environment = EnvironmentCatalog.Create(game, new EnvironmentRequest
        {
            StickyActions = !settings.NoSticky,
            DifficultyRamping = !settings.NoRamping,
            MinimalActions = policy.MinimalActions,
            RomPath = settings.Rom,
        });
        cancellationToken.ThrowIfCancellationRequested();
        var stats = EnvironmentStatistics.Collect(game, environment, policy, settings.Episodes, settings.Seed);

        var c = CultureInfo.InvariantCulture;
        console.MarkupLineInterpolated($"[bold]{environment.Spec.Name}[/], policy {policy.Name}, {settings.Episodes} episodes from seed {settings.Seed}{(settings.NoSticky ? ", no sticky actions" : "")}{(settings.NoRamping ? ", no ramping" : "")}");
        console.MarkupLineInterpolated($"return: mean {stats.Returns.Average().ToString("F3", c)} (min {stats.Returns.Min().ToString(c)}, max {stats.Returns.Max().ToString(c)}); length: mean {stats.Lengths.Average().ToString("F1", c)} (min {stats.Lengths.Min()}, max {stats.Lengths.Max()})");
        var table = new Table().AddColumn("channel").AddColumn(new TableColumn("mean active cells, s_0..s_50").RightAligned());
        foreach (var (name, value) in stats.Channels) table.AddRow(Markup.Escape(name), value.ToString("F4", c));
        console.Write(table);

        if (settings.Json is not null)
        {
            string path = Path.GetFullPath(settings.Json);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, ToJson(stats));
            console.MarkupLineInterpolated($"Wrote {path}");
        }
        return 0;
    }

    /// <summary>The statistics as <c>{"game", "policy", "episodes", "returns", "lengths", "channels": {name: value}}</c>.</summary>
    public static string ToJson(EnvironmentStatistics stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("game", stats.Game);
            json.WriteString("policy", stats.Policy);
            json.WriteNumber("episodes", stats.Returns.Length);
            json.WriteStartArray("returns");
            foreach (double r in stats.Returns) json.WriteNumberValue(r);
            json.WriteEndArray();
            json.WriteStartArray("lengths");
            foreach (int l in stats.Lengths) json.WriteNumberValue(l);
            json.WriteEndArray();
            json.WriteStartObject("channels");
            foreach (var (name, value) in stats.Channels) json.WriteNumber(name, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }
}
