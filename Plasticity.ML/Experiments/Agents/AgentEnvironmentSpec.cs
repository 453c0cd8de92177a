using Plasticity.ML.Data;
using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// An environment of an agent experiment, as JSON can hold it: a name <see cref="EnvironmentCatalog"/> knows and the
/// wrappers around it (channel padding for a chain of games with different channels, C-CHAIN's cut of rewardless
/// episodes).
/// </summary>
public sealed record AgentEnvironmentSpec
{
    /// <summary>A name <see cref="EnvironmentCatalog.Create"/> knows: a MinAtar game (<c>breakout</c>, <c>space_invaders</c>, ...)
    /// or a classification MDP (<c>classification-mdp:random-labels</c>, over the experiment's <see cref="AgentExperimentSpec.Data"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Sticky actions at the backend's standard probability (MinAtar: 0.1).</summary>
    public bool StickyActions { get; init; } = true;

    /// <summary>Difficulty ramping (MinAtar games that have it).</summary>
    public bool DifficultyRamping { get; init; } = true;

    /// <summary>Pad observations with zero channels up to this many (<see cref="ChannelPaddingEnvironment"/>); 0 for none.</summary>
    public int PadChannels { get; init; }

    /// <summary>Cut episodes that last this many steps without reward (<see cref="NoRewardTimeLimitEnvironment"/>; C-CHAIN's
    /// Seaquest: 1,000), in training and evaluation; 0 for none.</summary>
    public int NoRewardLimit { get; init; }

    /// <summary>The classification MDP's label seed.</summary>
    public long LabelSeed { get; init; }

    /// <summary>Which task's random labels the classification MDP uses.</summary>
    public int LabelTask { get; init; }

    /// <summary>Builds the environment (with its wrappers); <paramref name="images"/> for a classification MDP.</summary>
    public IEnvironment Create(ImageDataset? images = null)
    {
        Validate();
        var environment = EnvironmentCatalog.Create(Name, new EnvironmentRequest
        {
            StickyActions = StickyActions,
            DifficultyRamping = DifficultyRamping,
            Images = images,
            LabelSeed = LabelSeed,
            LabelTask = LabelTask,
        });
        try
        {
            if (NoRewardLimit > 0) environment = new NoRewardTimeLimitEnvironment(environment, NoRewardLimit);
            if (PadChannels > 0) environment = new ChannelPaddingEnvironment(environment, PadChannels);
            return environment;
        }
        catch
        {
            environment.Dispose();
            throw;
        }
    }

    /// <summary>True when the environment needs images (a classification MDP).</summary>
    public bool NeedsImages => Name.Trim().StartsWith(EnvironmentCatalog.ClassificationPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException($"{nameof(Name)} must name an environment.");
        if (PadChannels < 0) throw new ArgumentException($"{nameof(PadChannels)} must be non-negative; got {PadChannels}.");
        if (NoRewardLimit < 0) throw new ArgumentException($"{nameof(NoRewardLimit)} must be non-negative; got {NoRewardLimit}.");
        if (LabelTask < 0) throw new ArgumentException($"{nameof(LabelTask)} must be non-negative; got {LabelTask}.");
    }
}
