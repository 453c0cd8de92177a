using System.Globalization;

namespace Plasticity.Lab.Environments;

/// <summary>
/// The policy <c>env-stats</c> plays: <c>random</c> (uniform over all actions), <c>random-minimal</c> (uniform over
/// the game's minimal action set) or <c>constant:K</c> (always action K; sticky actions still apply).
/// </summary>
/// <param name="Name">The policy as written on the command line.</param>
/// <param name="MinimalActions">Whether the environment is created with its minimal action set.</param>
/// <param name="Constant">The constant action, or null for a random policy.</param>
public sealed record StatsPolicy(string Name, bool MinimalActions, int? Constant)
{
    /// <summary>Parses a policy name; throws <see cref="ArgumentException"/> naming the value when it is not one.</summary>
    public static StatsPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string name = text.Trim().ToLowerInvariant();
        if (name == "random") return new StatsPolicy(name, false, null);
        if (name == "random-minimal") return new StatsPolicy(name, true, null);
        if (name.StartsWith("constant:", StringComparison.Ordinal)
            && int.TryParse(name["constant:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int action))
            return new StatsPolicy(name, false, action);
        throw new ArgumentException($"Unknown policy '{text}': use random, random-minimal or constant:K (K an action index).", nameof(text));
    }
}
