using System.Globalization;
using Plasticity.Lab.Reinforcement;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's classification MDP (section 3.2, PAPER.md §2.1) on the embedded Fashion-MNIST images: a DQN agent (an MLP
/// Q-network, with and without LayerNorm) learns to name the state's class from its image, in three variants: true labels;
/// random labels, re-drawn at every task; sparse reward (only naming class 9 in state 9 pays). Training is cut into tasks
/// of a fixed number of steps (several target-network periods each); the plasticity probe and the statistics panel run
/// on the initial network and after every task, and a greedy evaluation scores each task's end.
/// </summary>
/// <remarks>
/// A task is a stage of the agent's run. With random labels the MDP's rewards change at every task, so the replay is
/// emptied and refilled by a short warm-up of random actions (its old transitions carry the old labels' rewards); with
/// true labels and sparse reward the tasks only mark where to probe, and the replay is kept. The MDP is a continuing task:
/// episodes are cut every 100 steps (as truncations, so the TD target still bootstraps), which makes an evaluation
/// episode's return the number of rewarded steps out of 100. Settings the paper leaves in its appendix (learning rate,
/// batch, replay) are this lab's choices: Adam lr 1e-4, batch 32, Huber loss, gamma 0.99.
/// </remarks>
public sealed class ClassificationMdpExperiment : AgentLabExperiment
{
    /// <summary>Steps after which an episode is cut (the evaluation return is rewarded steps per this many).</summary>
    public const int EpisodeLength = 100;

    /// <summary>The MDP variants, by track name.</summary>
    public static IReadOnlyList<string> Variants { get; } = ["true-labels", "random-labels", "sparse-reward"];

    /// <inheritdoc />
    public override string Name => "classification-mdp";

    /// <inheritdoc />
    public override string Description =>
        "The paper's classification MDP on the embedded images: DQN vs DQN + LayerNorm with true labels, random labels re-drawn every task, and sparse reward; the probe after each task.";

    /// <inheritdoc />
    public override AgentExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = Sizes(preset);
        var agent = new AgentOptions
        {
            Kind = AgentKind.Dqn,
            Network = new NetworkSpec { InputShape = [784], HiddenWidths = [size.Width, size.Width], Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 } },
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-4 },
            Replay = new ReplayOptions { Capacity = size.Replay },
            BatchSize = 32,
            Gamma = 0.99,
            TargetUpdatePeriod = size.TargetPeriod,
            TrainFrequency = 1,
            LearningStarts = size.Warmup,
            EpsilonDecaySteps = size.StepsPerTask,
            MaxEpisodeSteps = EpisodeLength,
            EvaluationInterval = size.StepsPerTask,
            EvaluationEpisodes = size.EvaluationEpisodes,
            EvaluationEpsilon = 0,
            Probe = new ProbeOptions { Targets = size.ProbeTargets, Steps = size.ProbeSteps, Inputs = size.ProbeInputs, BatchSize = 64, CurvePoints = 5 },
            Statistics = UnitsPanel(size.PanelSamples),
            // The probe runs at LearningStarts (the initial network) and at every task's end (a stage's end), not in between.
            ProbeInterval = long.MaxValue / 4,
        };
        return new AgentExperimentSpec
        {
            Name = Name,
            Description = Description,
            Agent = agent,
            Data = EmbeddedImages(size.Images),
            Tracks = Variants.Select(v => Track(v, size.Tasks, size.StepsPerTask, size.Warmup)).ToList(),
            Variants =
            [
                new AgentVariantSpec { Name = "dqn" },
                new AgentVariantSpec { Name = "dqn-layernorm", Normalization = NormalizationKind.LayerNorm },
            ],
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <inheritdoc />
    protected override AgentExperimentSpec WithTasks(AgentExperimentSpec spec, int tasks)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec with
        {
            Tracks = spec.Tracks.Select(t =>
            {
                var first = t.Stages[0];
                string variant = first.Environment.Name[EnvironmentCatalog.ClassificationPrefix.Length..];
                long warmup = t.Stages.Count > 1 ? t.Stages[1].WarmupSteps : spec.Agent.LearningStarts;
                return Track(variant, tasks, first.Steps, warmup);
            }).ToList(),
        };
    }

    /// <summary>One MDP variant as a track of <paramref name="tasks"/> stages.</summary>
    private static AgentTrackSpec Track(string variant, int tasks, long steps, long warmup)
    {
        bool random = variant == "random-labels";
        return new AgentTrackSpec
        {
            Name = variant,
            Stages = Enumerable.Range(0, tasks).Select(t => new AgentStageSpec
            {
                Environment = new AgentEnvironmentSpec { Name = EnvironmentCatalog.ClassificationPrefix + variant, LabelSeed = 0, LabelTask = random ? t : 0 },
                Steps = steps,
                // New labels make the stored rewards wrong: start the task with an empty replay and refill it at random.
                KeepReplay = !random,
                WarmupSteps = random && t > 0 ? warmup : 0,
            }).ToList(),
        };
    }

    /// <inheritdoc />
    /// <remarks>Per track and variant: the probe loss of the initial network and after each task, the plasticity loss (last
    /// minus initial), the greedy accuracy at each task's end; a "tasks" section in summary.json.</remarks>
    public override void Analyze(AgentExperimentResult result, AgentLabContext context, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var spec = result.Spec;
        var rows = new List<MdpTaskSummary>();
        foreach (var track in spec.Tracks)
            foreach (var variant in spec.Variants)
            {
                var runs = result.ResultsOf(track.Name, variant.Name);
                // Probe points: the initial network (at LearningStarts) and the end of every task.
                var probe = Enumerable.Range(0, track.Stages.Count + 1).Select(i => MeanStd.Of(runs.Select(r => ProbeAfterTask(r, i)))).ToList();
                var accuracy = Enumerable.Range(0, track.Stages.Count).Select(k => MeanStd.Of(runs.Select(r =>
                    r.Evaluations.LastOrDefault(e => e.Stage == k) is { } e ? e.MeanReturn / EpisodeLength : (double?)null))).ToList();
                rows.Add(new MdpTaskSummary
                {
                    Track = track.Name,
                    Variant = variant.Name,
                    Seeds = runs.Count,
                    ProbeLoss = probe,
                    PlasticityLoss = MeanStd.Of(runs.Select(r => ProbeAfterTask(r, track.Stages.Count) - ProbeAfterTask(r, 0))),
                    RewardRate = accuracy,
                    DormantFraction = MeanStd.Of(runs.Select(r => r.ProbePoints.LastOrDefault(p => p.Statistics.ContainsKey(AgentResultFiles.DormantStatistic)) is { } p ? p.Statistics[AgentResultFiles.DormantStatistic] : (double?)null)),
                });
            }
        SummarySection.Write(context.OutputFolder, "tasks", rows);

        int tasks = spec.Tracks[0].Stages.Count;
        report.Heading("Plasticity over tasks");
        report.Paragraph($"Probe loss: the plasticity probe ({spec.Agent.Probe?.Targets} targets x {spec.Agent.Probe?.Steps} steps on replay observations) of the initial network and after each task " +
                         $"of {spec.Tracks[0].Stages[0].Steps:N0} steps; plasticity loss = after the last task minus initial (higher = more plasticity lost). Reward rate: the greedy policy's " +
                         $"rewarded steps per step over {spec.Agent.EvaluationEpisodes} episodes of {EpisodeLength} steps at each task's end (true and random labels: its accuracy, chance 0.1; " +
                         "sparse reward: the rate of rewarded steps, about 0.01 for a uniformly random policy). Mean ± std over seeds.");
        report.Table(["MDP", "variant", "seeds", "probe loss (initial)", "probe loss (last task)", "plasticity loss", "reward rate (last task)", "dormant (end)"],
            rows.Select(r => (IReadOnlyList<string>)
            [
                r.Track, r.Variant, r.Seeds.ToString(CultureInfo.InvariantCulture), r.ProbeLoss[0].ToString("F4"), r.ProbeLoss[^1].ToString("F4"),
                r.PlasticityLoss.ToString("F4"), r.RewardRate[^1].ToString("F3"), r.DormantFraction.ToString("F3"),
            ]));
        var header = new List<string> { "MDP", "variant" };
        header.AddRange(Enumerable.Range(0, tasks + 1).Select(t => t == 0 ? "init" : $"task {t}"));
        report.Paragraph("Probe loss after each task:");
        report.Table(header, rows.Select(r => (IReadOnlyList<string>)[r.Track, r.Variant, .. r.ProbeLoss.Select(p => p.ToString("F4"))]));
    }

    /// <summary>The probe loss after <paramref name="tasks"/> tasks (0: the initial network, at LearningStarts), or null.</summary>
    private static double? ProbeAfterTask(AgentRunResult run, int tasks)
    {
        var points = run.ProbePoints.Where(p => p.Probe is not null).ToList();
        if (tasks == 0) return points.FirstOrDefault()?.Probe!.MeanLoss;
        long end = run.Stages[tasks - 1].LastStep;
        return points.LastOrDefault(p => p.GlobalStep == end)?.Probe!.MeanLoss;
    }

    private static Size Sizes(LabPreset preset) => preset switch
    {
        LabPreset.Smoke => new Size(Images: 256, Width: 64, Tasks: 3, StepsPerTask: 300, Warmup: 64, TargetPeriod: 100, Replay: 2_000, EvaluationEpisodes: 1,
            ProbeTargets: 1, ProbeSteps: 20, ProbeInputs: 64, PanelSamples: 128, Seeds: 1),
        LabPreset.Full => new Size(Images: 5_000, Width: 256, Tasks: 30, StepsPerTask: 10_000, Warmup: 1_000, TargetPeriod: 1_000, Replay: 10_000, EvaluationEpisodes: 10,
            ProbeTargets: 10, ProbeSteps: 2_000, ProbeInputs: 1_024, PanelSamples: 1_024, Seeds: 5),
        _ => new Size(Images: 2_000, Width: 256, Tasks: 10, StepsPerTask: 5_000, Warmup: 1_000, TargetPeriod: 1_000, Replay: 10_000, EvaluationEpisodes: 10,
            ProbeTargets: 3, ProbeSteps: 300, ProbeInputs: 512, PanelSamples: 512, Seeds: 3),
    };

    private sealed record Size(int Images, int Width, int Tasks, long StepsPerTask, long Warmup, int TargetPeriod, int Replay, int EvaluationEpisodes,
        int ProbeTargets, int ProbeSteps, int ProbeInputs, int PanelSamples, int Seeds);
}
