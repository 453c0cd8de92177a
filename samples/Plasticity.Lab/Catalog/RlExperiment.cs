using System.Globalization;
using Plasticity.Lab.Environments;
using Plasticity.Lab.Reinforcement;
using Plasticity.Lab.Reporting;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Experiments;
using Plasticity.ML.Experiments.Agents;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Evaluation;
using Plasticity.ML.Reinforcement.Replay;

namespace Plasticity.Lab.Catalog;

/// <summary>
/// The paper's section 6.3 question on MinAtar: does LayerNorm help a DQN-family agent? DQN and C51, each with and
/// without LayerNorm, on the five MinAtar games, several seeds. Per game, the mean evaluation return over training;
/// across games, the interquartile mean of min-max normalized final scores with 95% stratified-bootstrap intervals
/// (rliable); the probe and the dormant-unit fraction over training; the MinAtar paper's DQN at 5M frames beside ours.
/// </summary>
/// <remarks>
/// Presets. Full: the MinAtar paper's reference DQN settings (centered RMSProp lr 2.5e-4, alpha 0.95, eps 0.01; replay
/// 100k; 5,000 steps before learning; an update every step; target copy every 1,000 steps; epsilon 1 to 0.1 over 100k
/// steps; 5M frames). Default: Dopamine's MinAtar schedule (Adam lr 2.5e-4, eps 3.125e-4; an update every 4 steps),
/// 100k frames, 3 seeds, sized for about 45 minutes on 2 cores. Smoke: a few hundred updates per run, for the tests.
/// C51 uses 51 atoms on [-10, 10], the C51 paper's support (also DQN Zoo's and Dopamine's C51), with C51's n-step 1.
/// Dopamine's MinAtar Rainbow support, [-100, 100], belongs with Rainbow's 3-step returns and prioritized replay: with
/// one-step targets and atoms 4 apart it learned far less in the default preset (interquartile mean 0.047 against 0.122
/// for [-10, 10], 2026-11-30, same seeds). Seaquest runs with C-CHAIN's cut of
/// episodes that last 1,000 steps without reward (an idle submarine at the surface never dies); the MinAtar paper did not
/// cut them.
/// </remarks>
public sealed class RlExperiment : AgentLabExperiment
{
    /// <summary>The games, in MinAtar's spelling.</summary>
    public static IReadOnlyList<string> Games { get; } = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"];

    /// <summary>The plot of the across-games interval estimates (IQM and mean per variant).</summary>
    public const string AggregatePlot = "aggregate-intervals.png";

    /// <inheritdoc />
    public override string Name => "rl";

    /// <inheritdoc />
    public override string Description =>
        "DQN vs DQN + LayerNorm and C51 vs C51 + LayerNorm on the five MinAtar games: learning curves, the interquartile mean of min-max normalized scores with 95% stratified-bootstrap intervals, the probe and dormant units over training.";

    /// <inheritdoc />
    public override AgentExperimentSpec CreateSpec(LabPreset preset)
    {
        var size = preset switch
        {
            LabPreset.Smoke => new Size(Steps: 1_500, Seeds: 1, Evaluation: 750, EvaluationEpisodes: 2, Probe: 750, ProbeTargets: 1, ProbeSteps: 20, ProbeInputs: 64, PanelSamples: 128),
            LabPreset.Full => new Size(Steps: MinAtarReference.Frames, Seeds: 3, Evaluation: 250_000, EvaluationEpisodes: 10, Probe: 250_000, ProbeTargets: 5, ProbeSteps: 1_000, ProbeInputs: 1_024, PanelSamples: 1_024),
            _ => new Size(Steps: 100_000, Seeds: 3, Evaluation: 10_000, EvaluationEpisodes: 10, Probe: 25_000, ProbeTargets: 3, ProbeSteps: 300, ProbeInputs: 512, PanelSamples: 512),
        };
        var agent = preset == LabPreset.Full
            ? AgentOptions.MinAtarPaper()
            : new AgentOptions
            {
                Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 2.5e-4, Epsilon = 3.125e-4 },
                Replay = new ReplayOptions { Capacity = preset == LabPreset.Smoke ? 5_000 : 100_000 },
                BatchSize = 32,
                TrainFrequency = 4,
                TargetUpdatePeriod = preset == LabPreset.Smoke ? 250 : 1_000,
                LearningStarts = preset == LabPreset.Smoke ? 500 : 5_000,
                EpsilonDecaySteps = preset == LabPreset.Smoke ? 500 : 25_000,
            };
        agent = agent with
        {
            EvaluationInterval = size.Evaluation,
            EvaluationEpisodes = size.EvaluationEpisodes,
            EvaluateAtStart = true,
            Probe = new ProbeOptions { Targets = size.ProbeTargets, Steps = size.ProbeSteps, Inputs = size.ProbeInputs, BatchSize = 64, CurvePoints = 5 },
            Statistics = UnitsPanel(size.PanelSamples),
            ProbeInterval = size.Probe,
        };
        var c51Head = NetworkPresets.Categorical(6, atoms: 51, minimum: -10, maximum: 10);
        return new AgentExperimentSpec
        {
            Name = Name,
            Description = Description,
            Agent = agent,
            Tracks = Games.Select(g => AgentTrackSpec.Single(new AgentEnvironmentSpec { Name = g, NoRewardLimit = g == "seaquest" ? 1_000 : 0 }, size.Steps)).ToList(),
            Variants =
            [
                new AgentVariantSpec { Name = "dqn", Kind = AgentKind.Dqn },
                new AgentVariantSpec { Name = "dqn-layernorm", Kind = AgentKind.Dqn, Normalization = NormalizationKind.LayerNorm },
                new AgentVariantSpec { Name = "c51", Kind = AgentKind.C51, Head = c51Head },
                new AgentVariantSpec { Name = "c51-layernorm", Kind = AgentKind.C51, Head = c51Head, Normalization = NormalizationKind.LayerNorm },
            ],
            Seeds = size.Seeds,
            FirstSeed = 1,
        };
    }

    /// <inheritdoc />
    /// <remarks>Min-max normalization against a random policy (measured here) and the MinAtar paper's DQN at 5M frames,
    /// the interquartile mean with its interval per variant, the published returns beside ours, and an "aggregate"
    /// section in summary.json.</remarks>
    public override void Analyze(AgentExperimentResult result, AgentLabContext context, MarkdownReport report)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var spec = result.Spec;
        int randomEpisodes = context.Preset == LabPreset.Smoke ? 10 : 100;
        var normalizations = new List<MinMaxNormalization>();
        foreach (var track in spec.Tracks)
        {
            var environmentSpec = track.Stages[0].Environment;
            var game = EnvironmentCatalog.ParseMinAtar(environmentSpec.Name)
                ?? throw new InvalidOperationException($"The rl experiment's tracks are MinAtar games; '{environmentSpec.Name}' is not one.");
            using var environment = environmentSpec.Create();
            var random = EnvironmentStatistics.Collect(environmentSpec.Name, environment, StatsPolicy.Parse("random"), randomEpisodes, seed: 0);
            normalizations.Add(new MinMaxNormalization(track.Name, random.Returns.Average(), MinAtarReference.DqnReturn(game), MinAtarReference.Source));
        }

        // The score of a run: the mean return of its final evaluation, normalized per game.
        var aggregates = new List<RlVariantAggregate>();
        foreach (var variant in spec.Variants)
        {
            var perGame = spec.Tracks.Select((t, i) => result.ResultsOf(t.Name, variant.Name)
                .Where(r => r.Evaluations.Count > 0)
                .Select(r => normalizations[i].Normalize(r.Evaluations[^1].MeanReturn)).ToList()).ToList();
            if (perGame.Any(g => g.Count == 0)) continue; // a game without a finished run cannot be stratified
            aggregates.Add(new RlVariantAggregate
            {
                Variant = variant.Name,
                Runs = perGame.Sum(g => g.Count),
                InterquartileMean = StratifiedBootstrap.InterquartileMean(perGame.Select(g => (IReadOnlyList<double>)g).ToList(), seed: 0),
                Mean = StratifiedBootstrap.Mean(perGame.Select(g => (IReadOnlyList<double>)g).ToList(), seed: 0),
            });
        }

        var published = spec.Tracks.Select((t, i) => new RlGameComparison
        {
            Game = t.Name,
            RandomReturn = normalizations[i].Minimum,
            PublishedDqnReturn = normalizations[i].Maximum,
            PublishedFrames = MinAtarReference.Frames,
            OurFrames = t.Steps,
            FinalEvaluation = spec.Variants.ToDictionary(v => v.Name, v => MeanStd.Of(result.ResultsOf(t.Name, v.Name).Select(r => r.Evaluations.Count == 0 ? (double?)null : r.Evaluations[^1].MeanReturn))),
            FinalTrainingReturn = spec.Variants.ToDictionary(v => v.Name, v => MeanStd.Of(result.ResultsOf(t.Name, v.Name).Select(r => AgentCurves.FinalTrainingReturn(r)))),
        }).ToList();

        SummarySection.Write(context.OutputFolder, "aggregate", new RlAggregateSection
        {
            Score = "the mean return of each run's final evaluation, min-max normalized per game",
            Normalization = normalizations,
            RandomPolicyEpisodes = randomEpisodes,
            Resamples = StratifiedBootstrap.DefaultResamples,
            Variants = aggregates,
            Games = published,
        });

        report.Heading("Across games: interquartile mean of normalized scores");
        report.Paragraph($"Each run's score is the mean return of its final evaluation ({spec.Agent.EvaluationEpisodes} episodes, epsilon {spec.Agent.EvaluationEpsilon.ToString(CultureInfo.InvariantCulture)}), " +
                         $"min-max normalized per game: 0 is a uniformly random policy (measured here over {randomEpisodes} episodes), 1 is the MinAtar paper's DQN at 5M frames " +
                         $"({MinAtarReference.Source}). The interquartile mean (IQM) pools every run of every game and averages the middle half; the 95% interval is the percentile " +
                         $"interval of {StratifiedBootstrap.DefaultResamples:N0} stratified-bootstrap resamples (runs resampled within each game; seed 0), as rliable computes them. " +
                         "With few seeds the intervals are wide: read differences against them.");
        report.Table(["variant", "runs (games x seeds)", "IQM [95% CI]", "mean [95% CI]"],
            aggregates.Select(a => (IReadOnlyList<string>)[a.Variant, a.Runs.ToString(CultureInfo.InvariantCulture), a.InterquartileMean.ToString("F3"), a.Mean.ToString("F3")]));
        if (aggregates.Count > 0)
        {
            var intervals = new IntervalPlot("Across games: IQM and mean with 95% stratified-bootstrap intervals", "normalized score (0 = random policy, 1 = the MinAtar paper's DQN at 5M frames)");
            foreach (var a in aggregates)
            {
                intervals.Add(a.Variant, "IQM", a.InterquartileMean.Estimate, a.InterquartileMean.Lower, a.InterquartileMean.Upper);
                intervals.Add(a.Variant, "mean", a.Mean.Estimate, a.Mean.Lower, a.Mean.Upper);
            }
            intervals.SavePng(Path.Combine(context.OutputFolder, AggregatePlot));
            report.Image("aggregate-intervals", AggregatePlot);
        }
        report.Heading("Per game, beside the MinAtar paper's DQN");
        long frames = spec.Tracks.Max(t => t.Steps);
        report.Paragraph($"Published: the MinAtar paper's DQN after {MinAtarReference.Frames:N0} frames (training-episode returns, moving average of 100 episodes, 30 runs; read off its Fig. 2, about ±10%). " +
                         $"Ours: after {frames:N0} frames, the final evaluation and the mean of the last 100 training episodes (the paper's measure), mean ± std over seeds. " +
                         (frames < MinAtarReference.Frames ? $"Our runs are {(double)MinAtarReference.Frames / frames:0.#} times shorter, so lower returns are expected; only the full preset matches the paper's length. " : "") +
                         "Random: a uniformly random policy, the normalization's 0.");
        var header = new List<string> { "game", "random", $"published DQN ({MinAtarReference.Frames / 1_000_000}M frames)" };
        foreach (var v in spec.Variants) header.Add($"{v.Name}: evaluation / training");
        report.Table(header, published.Select(g =>
        {
            var row = new List<string> { g.Game, g.RandomReturn.ToString("F2", CultureInfo.InvariantCulture), g.PublishedDqnReturn.ToString("F0", CultureInfo.InvariantCulture) };
            row.AddRange(spec.Variants.Select(v => $"{g.FinalEvaluation[v.Name].ToString("F1")} / {g.FinalTrainingReturn[v.Name].ToString("F1")}"));
            return (IReadOnlyList<string>)row;
        }));
    }

    private sealed record Size(long Steps, int Seeds, long Evaluation, int EvaluationEpisodes, long Probe, int ProbeTargets, int ProbeSteps, int ProbeInputs, int PanelSamples);
}
