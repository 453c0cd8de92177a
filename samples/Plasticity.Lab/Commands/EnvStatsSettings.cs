using System.ComponentModel;
using Plasticity.Lab.Environments;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Plasticity.Lab.Commands;

/// <summary>Command-line settings of <see cref="EnvStatsCommand"/>.</summary>
public sealed class EnvStatsSettings : CommandSettings
{
    /// <summary>The game.</summary>
    [CommandOption("--game <GAME>")]
    [Description("breakout, asterix, freeway, seaquest, space_invaders (optionally prefixed minatar:), or ale:<game> with --rom.")]
    public string? Game { get; init; }

    /// <summary>The policy.</summary>
    [CommandOption("--policy <POLICY>")]
    [Description("random (uniform over all 6 actions), random-minimal (uniform over the game's minimal set) or constant:K (always action K; sticky actions still apply).")]
    [DefaultValue("random")]
    public string Policy { get; init; } = "random";

    /// <summary>Number of episodes.</summary>
    [CommandOption("--episodes <N>")]
    [Description("Episodes to play (each stops at 10,000 steps at most).")]
    [DefaultValue(10)]
    public int Episodes { get; init; } = 10;

    /// <summary>Seed of episode 0.</summary>
    [CommandOption("--seed <S>")]
    [Description("Episode i is reset with seed S + i.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    /// <summary>Turn sticky actions off.</summary>
    [CommandOption("--no-sticky")]
    [Description("Turn sticky actions off (on by default: probability 0.1 for MinAtar games).")]
    public bool NoSticky { get; init; }

    /// <summary>Turn difficulty ramping off.</summary>
    [CommandOption("--no-ramping")]
    [Description("Turn difficulty ramping off (on by default).")]
    public bool NoRamping { get; init; }

    /// <summary>The ROM of an ale: game.</summary>
    [CommandOption("--rom <PATH>")]
    [Description("ROM file of an ale:<game> (ALE games only).")]
    public string? Rom { get; init; }

    /// <summary>Where to write the JSON.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Write {game, policy, episodes, returns, lengths, channels} to this file.")]
    public string? Json { get; init; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Game)) return ValidationResult.Error("--game is required (e.g. --game breakout).");
        if (Episodes <= 0) return ValidationResult.Error($"--episodes must be positive; got {Episodes}.");
        try
        {
            StatsPolicy.Parse(Policy);
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error("--policy: " + e.Message.Split(" (Parameter", 2)[0]);
        }
        return ValidationResult.Success();
    }
}
