using System.Diagnostics;
using Plasticity.ML.Common;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// Where an agent's run is: counters, its long-lived random streams, the episode in progress (its reset seed, the
/// actions taken since, the current observation) and everything recorded so far. Saved whole into a checkpoint so that
/// a resumed run makes exactly the draws and records of an uninterrupted one.
/// </summary>
internal sealed class AgentRunState
{
    private readonly Stopwatch clock = new();
    private double secondsBefore;

    public AgentRunState(long seed, int observationSize)
    {
        Exploration = RandomStream.For(seed, "exploration");
        ReplaySampling = RandomStream.For(seed, "replay-sampling");
        Observation = new byte[observationSize];
        Next = new byte[observationSize];
    }

    /// <summary>Environment steps taken.</summary>
    public long Step { get; set; }

    /// <summary>The stage in progress.</summary>
    public int Stage { get; set; }

    /// <summary>The step count when the stage in progress started.</summary>
    public long StageStart { get; set; }

    /// <summary>Updates made.</summary>
    public long Updates { get; set; }

    /// <summary>Target-network copies made.</summary>
    public int TargetUpdates { get; set; }

    /// <summary>The training episode in progress (its number in the run).</summary>
    public int EpisodeIndex { get; set; }

    /// <summary>The seed the episode in progress was reset with.</summary>
    public long EpisodeSeed { get; set; }

    /// <summary>Actions taken since that reset (to bring a fresh environment to the same state on resume).</summary>
    public List<byte> EpisodeActions { get; } = [];

    /// <summary>Unclipped return of the episode so far.</summary>
    public double EpisodeReturn { get; set; }

    /// <summary>Steps of the episode so far.</summary>
    public int EpisodeLength { get; set; }

    /// <summary>The current observation.</summary>
    public byte[] Observation { get; private set; }

    /// <summary>A buffer for the next observation.</summary>
    public byte[] Next { get; private set; }

    /// <summary>The exploration stream (epsilon-greedy coins and random actions).</summary>
    public RandomStream Exploration { get; }

    /// <summary>The replay sampling stream.</summary>
    public RandomStream ReplaySampling { get; }

    /// <summary>Sum of the TD losses of the current target period.</summary>
    public double LossSum { get; set; }

    /// <summary>Sum of the differentiated losses of the current target period.</summary>
    public double TotalLossSum { get; set; }

    /// <summary>Updates in the current target period.</summary>
    public int PeriodUpdates { get; set; }

    /// <summary>Finished training episodes.</summary>
    public List<EpisodeRecord> Episodes { get; private set; } = [];

    /// <summary>Evaluations.</summary>
    public List<EvaluationRecord> Evaluations { get; private set; } = [];

    /// <summary>Losses per target period.</summary>
    public List<LossRecord> Losses { get; private set; } = [];

    /// <summary>Probe points.</summary>
    public List<ProbePointRecord> ProbePoints { get; private set; } = [];

    /// <summary>Seconds of the run across resumes.</summary>
    public double Seconds => secondsBefore + clock.Elapsed.TotalSeconds;

    /// <summary>Makes the next observation the current one.</summary>
    public void Advance() => (Observation, Next) = (Next, Observation);

    /// <summary>Starts or stops the run's clock.</summary>
    public void Clock(bool running)
    {
        if (running) clock.Start();
        else clock.Stop();
    }

    /// <summary>Mean return of the last (up to) 100 training episodes, NaN before the first.</summary>
    public double RecentReturn()
    {
        if (Episodes.Count == 0) return double.NaN;
        int from = Math.Max(0, Episodes.Count - 100);
        double sum = 0;
        for (int i = from; i < Episodes.Count; i++) sum += Episodes[i].Return;
        return sum / (Episodes.Count - from);
    }

    /// <summary>Closes the current target period into <see cref="Losses"/>.</summary>
    public void ClosePeriod(int taskIndex)
    {
        double n = PeriodUpdates;
        Losses.Add(new LossRecord(taskIndex, Step, PeriodUpdates, n > 0 ? LossSum / n : double.NaN, n > 0 ? TotalLossSum / n : double.NaN));
        LossSum = 0;
        TotalLossSum = 0;
        PeriodUpdates = 0;
    }

    public void Save(StateBag bag)
    {
        bag.Set("step", Step);
        bag.Set("stage", Stage);
        bag.Set("stageStart", StageStart);
        bag.Set("updates", Updates);
        bag.Set("targetUpdates", TargetUpdates);
        bag.Set("episodeIndex", EpisodeIndex);
        bag.Set("episodeSeed", EpisodeSeed);
        bag.Set("episodeActions", EpisodeActions.ToArray());
        bag.Set("episodeReturn", EpisodeReturn);
        bag.Set("episodeLength", EpisodeLength);
        bag.Set("observation", Observation);
        bag.Set("exploration", Exploration.GetState().Select(w => (long)w).ToArray());
        bag.Set("replaySampling", ReplaySampling.GetState().Select(w => (long)w).ToArray());
        bag.Set("lossSum", LossSum);
        bag.Set("totalLossSum", TotalLossSum);
        bag.Set("periodUpdates", PeriodUpdates);
        bag.Set("seconds", Seconds);
        bag.Set("records", PlasticityJson.Serialize(new Records(Episodes, Evaluations, Losses, ProbePoints)));
    }

    public void Load(StateBag bag)
    {
        Step = bag.GetInt64("step");
        Stage = checked((int)bag.GetInt64("stage"));
        StageStart = bag.GetInt64("stageStart");
        Updates = bag.GetInt64("updates");
        TargetUpdates = checked((int)bag.GetInt64("targetUpdates"));
        EpisodeIndex = checked((int)bag.GetInt64("episodeIndex"));
        EpisodeSeed = bag.GetInt64("episodeSeed");
        EpisodeActions.Clear();
        EpisodeActions.AddRange(bag.GetBytes("episodeActions"));
        EpisodeReturn = bag.GetDouble("episodeReturn");
        EpisodeLength = checked((int)bag.GetInt64("episodeLength"));
        var observation = bag.GetBytes("observation");
        if (observation.Length != Observation.Length)
            throw new InvalidDataException($"{bag.Name}: the saved observation has {observation.Length} bytes; this agent's environment has {Observation.Length}.");
        observation.CopyTo(Observation, 0);
        Exploration.SetState(bag.GetInt64Array("exploration").Select(w => (ulong)w).ToArray());
        ReplaySampling.SetState(bag.GetInt64Array("replaySampling").Select(w => (ulong)w).ToArray());
        LossSum = bag.GetDouble("lossSum");
        TotalLossSum = bag.GetDouble("totalLossSum");
        PeriodUpdates = checked((int)bag.GetInt64("periodUpdates"));
        secondsBefore = bag.GetDouble("seconds");
        clock.Reset();
        var records = PlasticityJson.Deserialize<Records>(bag.GetText("records"));
        Episodes = records.Episodes;
        Evaluations = records.Evaluations;
        Losses = records.Losses;
        ProbePoints = records.ProbePoints;
    }

    private sealed record Records(List<EpisodeRecord> Episodes, List<EvaluationRecord> Evaluations, List<LossRecord> Losses, List<ProbePointRecord> ProbePoints);
}
