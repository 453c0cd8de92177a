using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.Classification;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.ML.Estimators.Tests.Reinforcement;

/// <summary>One row of the exported Q-network's input: a flattened raw observation.</summary>
public sealed class ObservationRow
{
    /// <summary>The observation's bytes as floats, channels first.</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>What a PredictionEngine reads back from an exported Q-network.</summary>
public sealed class QPrediction
{
    /// <summary>The Q-values.</summary>
    public float[] Score { get; set; } = [];

    /// <summary>The greedy action as a key (action index + 1).</summary>
    public uint PredictedLabel { get; set; }
}

/// <summary>Agents trained for a few hundred steps on small environments, and observations to score, for the export tests.</summary>
internal static class ExportFixtures
{
    private static readonly Lazy<Agent> BreakoutDqnAgent = new(() => Train(Breakout(), Quick(AgentKind.Dqn, seed: 1)));
    private static readonly Lazy<Agent> BreakoutC51Agent = new(() => Train(Breakout(), Quick(AgentKind.C51, seed: 2)));
    private static readonly Lazy<Agent> PixelsDoubleDqnAgent = new(() => Train(Pixels(), Quick(AgentKind.DoubleDqn, seed: 3)));

    /// <summary>A DQN agent trained on Breakout (shared by the tests, which only read it).</summary>
    public static Agent BreakoutDqn => BreakoutDqnAgent.Value;

    /// <summary>A C51 agent trained on Breakout.</summary>
    public static Agent BreakoutC51 => BreakoutC51Agent.Value;

    /// <summary>A Double DQN agent trained on the pixel MDP (observations up to 255).</summary>
    public static Agent PixelsDoubleDqn => PixelsDoubleDqnAgent.Value;

    /// <summary>A short run: 100 random steps, then 300 steps of learning at batch 32, a target copy every 100 steps.</summary>
    public static AgentOptions Quick(AgentKind kind, long seed) => new()
    {
        Kind = kind,
        TotalSteps = 400,
        LearningStarts = 100,
        Replay = new ReplayOptions { Capacity = 1000 },
        BatchSize = 32,
        TargetUpdatePeriod = 100,
        EpsilonDecaySteps = 200,
        MaxEpisodeSteps = 200,
        Seed = seed,
    };

    /// <summary>An agent of <paramref name="options"/> trained on <paramref name="environment"/>.</summary>
    public static Agent Train(IEnvironment environment, AgentOptions options)
    {
        var agent = Agent.Create(options, environment.Spec);
        try
        {
            agent.Train(environment);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>MinAtar Breakout ([4, 10, 10] boolean grids, 6 actions).</summary>
    public static IEnvironment Breakout() => EnvironmentCatalog.Create("breakout");

    /// <summary>The classification MDP over 24 random 2 x 5 x 5 images of 3 classes: observations are bytes 0..255.</summary>
    public static IEnvironment Pixels()
    {
        var random = new Random(11);
        var pixels = Enumerable.Range(0, 24 * 50).Select(_ => (float)random.NextDouble()).ToArray();
        var labels = Enumerable.Range(0, 24).Select(i => i % 3).ToArray();
        return new ClassificationMdp(new ImageDataset("random-pixels", pixels, labels, [2, 5, 5], 3));
    }

    /// <summary>The observations of a random walk of <paramref name="count"/> steps (reset when an episode ends).</summary>
    public static List<byte[]> Observations(IEnvironment environment, int count, long seed)
    {
        var random = new Random((int)seed);
        var observation = new byte[environment.Spec.ObservationSize];
        environment.Reset(seed, observation);
        var result = new List<byte[]> { (byte[])observation.Clone() };
        while (result.Count < count)
        {
            var outcome = environment.Step(random.Next(environment.Spec.ActionCount), observation);
            if (outcome.Done) environment.Reset(seed + result.Count, observation);
            result.Add((byte[])observation.Clone());
        }
        return result;
    }

    /// <summary>The observations as an ML.NET data view with a Features column of the observation size.</summary>
    public static IDataView ObservationData(MLContext ml, IEnumerable<byte[]> observations, int? size = null)
    {
        var rows = observations.Select(o => new ObservationRow { Features = o.Select(b => (float)b).ToArray() }).ToList();
        return ml.Data.LoadFromEnumerable(rows, Schema(size ?? rows[0].Features.Length));
    }

    /// <summary>The schema of <see cref="ObservationRow"/> with a Features vector of <paramref name="size"/>.</summary>
    public static SchemaDefinition Schema(int size)
    {
        var schema = SchemaDefinition.Create(typeof(ObservationRow));
        schema[nameof(ObservationRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }

    /// <summary>The Q-values (row after row) and greedy action keys of a scored view.</summary>
    public static (float[] Scores, uint[] Keys) Read(IDataView scored)
    {
        var scores = SyntheticData.Scores(scored);
        var keys = scored.GetColumn<uint>(scored.Schema["PredictedLabel"]).ToArray();
        return (scores, keys);
    }

    /// <summary>The agent's own Q-values for each observation, row after row.</summary>
    public static float[] AgentQValues(Agent agent, IEnumerable<byte[]> observations) => observations.SelectMany(o => agent.QValues(o)).ToArray();

    /// <summary>Floats as their bit patterns, for bit-for-bit comparisons.</summary>
    public static int[] Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>The index of the largest value (the first of ties, as the agent chooses).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>A DQN agent whose head was injected (plasticity injection at its first target copy).</summary>
    public static AgentOptions WithInjection(AgentOptions options) =>
        options with { Interventions = [new PlasticityInjectionSpec { HeadLayers = 2 }] };
}
