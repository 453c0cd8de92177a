// MinAtarAgent: Double DQN on MinAtar Breakout with and without LayerNorm (the paper's section 6.3), watching the
// fraction of dormant units as it learns; then the LayerNorm agent's Q-network goes to ML.NET as a model file.
// dotnet run --project samples/MinAtarAgent -c Release [-- STEPS]   (default 50,000 per agent, a few minutes; Ctrl+C
// checkpoints the agent in training and stops, and the same command continues that agent from there; a finished agent
// keeps its checkpoint, so the same command reads it instead of training it again: delete breakout-*.checkpoint to
// start over)
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Estimators.Reinforcement;
using Plasticity.ML.Networks;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Training;

long steps = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

foreach (var (name, normalization) in new[] { ("Double DQN", NormalizationKind.None), ("+ LayerNorm", NormalizationKind.LayerNorm) })
{
    using var game = EnvironmentCatalog.Create("breakout");        // sticky actions and difficulty ramping, as in MinAtar
    using var evaluation = EnvironmentCatalog.Create("breakout");  // its own episodes, greedy actions
    var options = AgentOptions.MinAtarPaper(AgentKind.DoubleDqn) with
    {
        TotalSteps = steps,
        Network = Agent.DefaultNetwork(AgentKind.DoubleDqn, game.Spec) with { Normalization = normalization },
        LearningStarts = Math.Min(5_000, steps / 10),             // the paper's 5,000, or a tenth of a shorter run
        EpsilonDecaySteps = Math.Min(100_000, steps / 2),         // the paper's 100,000, or half a shorter run
        EvaluationInterval = steps / 5,
        Statistics = new StatisticsPanelOptions { Units = true, Taus = [0.1], ActivationSamples = 512, Weights = false, Features = false,
            DistanceFromInitialization = false, Churn = false, GradientNorm = false, HessianTopEigenvalue = false, HessianDensity = false,
            HessianTrace = false, GradientCovariance = false, Ntk = false },
        ProbeInterval = steps / 5,                                // when the panel reads the units, on replay observations
    };
    using var agent = Agent.Create(options, game.Spec);
    var checkpointing = new RunCheckpointing { Path = $"breakout-{normalization}.checkpoint".ToLowerInvariant(), KeepWhenFinished = true };
    var result = agent.Train(game, evaluation, checkpointing, new ConsoleProgress(name), stop.Token);

    Console.WriteLine($"{name}: evaluation returns {string.Join(", ", result.Evaluations.Select(e => $"{e.MeanReturn:F1} (step {e.Step:N0})"))}");
    Console.WriteLine($"{name}: dormant units {string.Join(", ", result.ProbePoints.Select(p => $"{p.Statistics["dormantFraction.tau0.1"]:P0} (step {p.GlobalStep:N0})"))}");
    if (normalization != NormalizationKind.LayerNorm) continue;

    // The trained Q-network as an ML.NET transformer: Features = an observation's cells, Score = the Q-values,
    // PredictedLabel = the greedy action, whose key values are the action names.
    var ml = new MLContext(seed: 0);
    var cells = new byte[game.Spec.ObservationSize];
    game.Reset(seed: 1, cells);
    var observations = ml.Data.LoadFromEnumerable([new Observation { Features = cells.Select(c => (float)c).ToArray() }]);
    using var qNetwork = agent.ToTransformer(ml);
    ml.Model.Save(qNetwork, observations.Schema, "breakout-q.zip");
    var loaded = new MLContext().Model.Load("breakout-q.zip", out _);
    var scored = loaded.Transform(observations);
    var named = ml.Transforms.Conversion.MapKeyToValue("Action", "PredictedLabel").Fit(scored).Transform(scored);
    Console.WriteLine($"breakout-q.zip, first frame of episode 1: Q = [{string.Join(", ", scored.GetColumn<float[]>("Score").First().Select(q => q.ToString("F2", CultureInfo.InvariantCulture)))}], " +
                      $"greedy action \"{named.GetColumn<string>("Action").First()}\"");
}

/// <summary>One observation for ML.NET: Breakout's 4 x 10 x 10 cells.</summary>
internal sealed class Observation
{
    [VectorType(400)] public float[] Features { get; set; } = [];
}

/// <summary>A line at each tenth of the run, each evaluation and a resume.</summary>
internal sealed class ConsoleProgress(string name) : IProgress<AgentProgress>
{
    private int tenth = -1;

    public void Report(AgentProgress value)
    {
        if (value.Message is { } message && value.Phase is "evaluate" or "resumed") Console.WriteLine($"{name}: {message}");
        int now = (int)(value.Fraction * 10);
        if (value.Phase != "train" || now == tenth) return;
        tenth = now;
        Console.WriteLine($"{name}: step {value.Step:N0} of {value.TotalSteps:N0}, return of the last episodes {value.RecentReturn:F1}, epsilon {value.Epsilon:F2}");
    }
}
