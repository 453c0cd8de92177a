using System.Text.Json.Nodes;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners;

/// <summary>
/// Random search (Bergstra and Bengio 2012): every proposal is a point drawn uniformly from the unit cube, so log
/// ranges are sampled log-uniformly and every choice equally often. It never waits and never finishes; results do
/// not steer it. The baseline every other tuner must beat.
/// </summary>
public sealed class RandomSearchTuner : Tuner
{
    private readonly SearchRandom random;

    /// <summary>Creates the tuner.</summary>
    public RandomSearchTuner(SearchSpace space, RandomSearchOptions options)
        : base(space, (options ?? throw new ArgumentNullException(nameof(options))).Direction, options)
    {
        random = new SearchRandom(options.Seed, "random-search");
    }

    private protected override TrialProposal? ProposeCore(int id) =>
        new() { Id = id, Parameters = Space.FromUnitCube(random.NextPoint(Space.Dimension)) };

    private protected override void UpdateCore(TrialProposal proposal, TrialResult result, double loss)
    {
    }

    private protected override JsonNode CaptureState() => ToNode(new State(random.State));

    private protected override void RestoreState(JsonNode state) => random.State = FromNode<State>(state).Random;

    private sealed record State(ulong Random);
}
