using Plasticity.ML.Reinforcement.Environments.Classification;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Reinforcement.Environments;

/// <summary>
/// Turns an environment name into an environment: the one place that knows every backend. Names: a MinAtar game
/// (<c>breakout</c>, <c>asterix</c>, <c>freeway</c>, <c>seaquest</c>, <c>space_invaders</c>, optionally prefixed
/// <c>minatar:</c>), <c>ale:&lt;game&gt;</c> for the Arcade Learning Environment, or
/// <c>classification-mdp:true-labels</c>, <c>:random-labels</c> or <c>:sparse-reward</c> for the paper's classification MDP
/// over <see cref="EnvironmentRequest.Images"/>.
/// </summary>
public static class EnvironmentCatalog
{
    /// <summary>The prefix of Arcade Learning Environment games.</summary>
    public const string AlePrefix = "ale:";

    /// <summary>The prefix of MinAtar-style games (optional).</summary>
    public const string MinAtarPrefix = "minatar:";

    /// <summary>The prefix of the classification MDP's variants.</summary>
    public const string ClassificationPrefix = "classification-mdp:";

    /// <summary>The classification MDP's variants by name (the suffix of <see cref="ClassificationPrefix"/>).</summary>
    public static IReadOnlyDictionary<string, ClassificationMdpVariant> ClassificationVariants { get; } = new Dictionary<string, ClassificationMdpVariant>
    {
        ["true-labels"] = ClassificationMdpVariant.TrueLabels,
        ["random-labels"] = ClassificationMdpVariant.RandomLabels,
        ["sparse-reward"] = ClassificationMdpVariant.SparseReward,
    };

    /// <summary>The MinAtar game names, as MinAtar spells them.</summary>
    public static IReadOnlyList<string> MinAtarNames { get; } = Enum.GetValues<MinAtarGame>().Select(MinAtarEnvironment.GameName).ToArray();

    /// <summary>The MinAtar game a name denotes, or null if it denotes none.</summary>
    public static MinAtarGame? ParseMinAtar(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string bare = name.Trim().ToLowerInvariant();
        if (bare.StartsWith(MinAtarPrefix, StringComparison.Ordinal)) bare = bare[MinAtarPrefix.Length..];
        foreach (var game in Enum.GetValues<MinAtarGame>())
            if (MinAtarEnvironment.GameName(game) == bare) return game;
        return null;
    }

    /// <summary>Creates the environment <paramref name="name"/> denotes.</summary>
    /// <exception cref="ArgumentException">The name is unknown, or a ROM was given for a game that takes none.</exception>
    /// <exception cref="NotSupportedException">An <c>ale:</c> game: the ALE backend is not part of this build.</exception>
    public static IEnvironment Create(string name, EnvironmentRequest? request = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        request ??= new EnvironmentRequest();
        if (name.Trim().StartsWith(AlePrefix, StringComparison.OrdinalIgnoreCase))
            return CreateAle(name.Trim(), request);
        if (name.Trim().StartsWith(ClassificationPrefix, StringComparison.OrdinalIgnoreCase))
            return CreateClassification(name.Trim(), request);
        if (ParseMinAtar(name) is not { } game)
            throw new ArgumentException($"Unknown environment '{name}'. Known: {string.Join(", ", MinAtarNames)} (optionally prefixed '{MinAtarPrefix}'), or '{AlePrefix}<game>'.", nameof(name));
        if (request.RomPath is not null)
            throw new ArgumentException($"A ROM ('{request.RomPath}') applies only to '{AlePrefix}' games, not to the MinAtar game '{name}'.", nameof(request));
        return MinAtarEnvironment.Create(new MinAtarOptions
        {
            Game = game,
            StickyActionProbability = request.StickyActions ? new MinAtarOptions().StickyActionProbability : 0,
            DifficultyRamping = request.DifficultyRamping,
            MinimalActions = request.MinimalActions,
        });
    }

    /// <summary>The classification MDP over the request's images, starting with the labels of its label task.</summary>
    private static ClassificationMdp CreateClassification(string name, EnvironmentRequest request)
    {
        string variant = name[ClassificationPrefix.Length..].Trim().ToLowerInvariant();
        if (!ClassificationVariants.TryGetValue(variant, out var kind))
            throw new ArgumentException($"Unknown classification MDP '{name}'. Known: {string.Join(", ", ClassificationVariants.Keys.Select(k => ClassificationPrefix + k))}.", nameof(name));
        var images = request.Images ?? throw new ArgumentException($"'{name}' needs images ({nameof(EnvironmentRequest)}.{nameof(EnvironmentRequest.Images)}).", nameof(request));
        var mdp = new ClassificationMdp(images, new ClassificationMdpOptions { Variant = kind, LabelSeed = request.LabelSeed });
        if (request.LabelTask != 0) mdp.StartTask(request.LabelTask);
        return mdp;
    }

    /// <summary>
    /// An ALE game through our shim: the ROM comes from <see cref="EnvironmentRequest.RomPath"/> (we ship none), and
    /// the game it holds must be the one named, so that "ale:tetris" never silently runs another ROM.
    /// </summary>
    private static IEnvironment CreateAle(string name, EnvironmentRequest request)
    {
        string game = name[AlePrefix.Length..].Trim().ToLowerInvariant();
        if (game.Length == 0) throw new ArgumentException($"'{name}' names no ALE game; use '{AlePrefix}<game>', such as '{AlePrefix}tetris'.", nameof(name));
        string rom = request.RomPath ?? throw new ArgumentException(
            $"'{name}' is an Arcade Learning Environment game: give the path of its ROM (--rom PATH). Plasticity.ML ships no ROM; Tetris is freely redistributable.", nameof(request));
        var options = new Ale.AleOptions
        {
            RepeatActionProbability = request.StickyActions ? new Ale.AleOptions().RepeatActionProbability : 0,
            FullActionSpace = !request.MinimalActions,
        };
        var environment = Ale.AleEnvironment.Create(rom, options);
        if (!environment.Spec.Name.Equals(AlePrefix + game, StringComparison.OrdinalIgnoreCase))
        {
            string loaded = environment.Spec.Name;
            environment.Dispose();
            throw new ArgumentException($"The ROM '{rom}' holds {loaded}, not {AlePrefix}{game}.", nameof(request));
        }
        return environment;
    }
}
