using System.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Orleans.Local;
using Plasticity.ML.Orleans.Silo;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;

namespace Plasticity.ML.Benchmarks;

/// <summary>Trials through the Orleans cluster runner: throughput on two silos against one, and the cluster against the local runner.</summary>
/// <param name="Trials">Trials per batch.</param>
/// <param name="StepsPerWindow">Optimizer steps per window of each trial (5 windows).</param>
/// <param name="TrialSeconds">Seconds of one trial alone in this process (for scale; its first run, so it includes loading the stream).</param>
/// <param name="OneSiloSeconds">Median wall seconds of the batch on a cluster of one silo (one slot, trials on a silo thread).</param>
/// <param name="TwoSiloSeconds">The same on two silos (one slot each).</param>
/// <param name="LocalSeconds">Median wall seconds of the batch on the local runner (a process pool of two workers).</param>
/// <param name="ClusterSeconds">The same on the cluster runner over two silos of one slot, each trial in a worker process of its silo.</param>
public sealed record OrleansRunnerResult(int Trials, int StepsPerWindow, double TrialSeconds, double OneSiloSeconds, double TwoSiloSeconds, double LocalSeconds, double ClusterSeconds)
{
    /// <summary>Trial throughput on two silos over one silo (target: at least 1.7 on two cores).</summary>
    public double Scaling => OneSiloSeconds / TwoSiloSeconds;

    /// <summary>Cluster runner time over local runner time (target: at most 1.05).</summary>
    public double Overhead => ClusterSeconds / LocalSeconds;
}

/// <summary>
/// The cluster runner against its references, on real silo processes of this program (localhost clustering, loopback
/// TCP): (1) scaling: the same batch of single-threaded trials on a one-silo and a two-silo cluster (one slot per silo,
/// trials on a silo thread); (2) overhead: the same batch on the local default runner (a process pool of two workers)
/// and on a two-silo cluster whose silos also run each trial in a worker process. Clusters start once, before timing;
/// batches are interleaved.
/// </summary>
public static class OrleansRunnerBenchmark
{
    /// <summary>Measures in <paramref name="rounds"/> interleaved rounds of a batch of <paramref name="trials"/> trials on each runner (full mode: 20 trials of about 5 s, 3 rounds: about 13 minutes on two quiet cores).</summary>
    public static OrleansRunnerResult Measure(int trials, int stepsPerWindow, int rounds)
    {
        var options = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [784], HiddenWidths = [64], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
            StepsPerTask = stepsPerWindow,
            Threads = 1,
        };
        var specs = Enumerable.Range(0, trials).Select(i => new TrialSpec
        {
            Name = $"benchmark-{i}",
            Learner = LearnerTypes.NameOf<ContinualLearnerFactory>(),
            Options = SearchExperiment.Compact(options),
            Seed = i,
            Data = StreamReference.Embedded(new DriftingStreamSpec { Windows = 6, ImagesPerWindow = 200 }),
            Windows = 6,
            Fidelity = 5,
        }).ToList();
        var program = TrialWorkerCommand.ForAssembly(typeof(Program).Assembly);
        var threads = new TrialSiloOptions { Slots = 1, Execution = TrialExecution.Threads };
        var processes = new TrialSiloOptions { Slots = 1, Execution = TrialExecution.Processes };
        var one = Start(new LocalTrialClusterOptions { Silos = 1, Trials = threads, Command = program });
        var two = Start(new LocalTrialClusterOptions { Silos = 2, Trials = threads, Command = program });
        var isolated = Start(new LocalTrialClusterOptions { Silos = 2, Trials = processes, Command = program });
        var local = new ProcessPoolTrialRunner(new ProcessPoolOptions { WorkerCommand = program, MaxWorkers = 2 });
        try
        {
            var clock = Stopwatch.StartNew();
            Check(TrialExecutor.Execute(specs[0]));
            double trialSeconds = clock.Elapsed.TotalSeconds;
            // Each action is one batch of all the trials, scheduled by the runner over its slots; a warm-up batch of two
            // trials each first (silos load libtorch and build the stream once), then interleaved rounds.
            var runners = new ITrialRunner[] { one.Runner, two.Runner, local, isolated.Runner };
            foreach (var runner in runners) Batch(runner, specs.Take(2).ToList());
            var samples = runners.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < runners.Length; i++)
                {
                    clock.Restart();
                    Batch(runners[i], specs);
                    samples[i].Add(clock.Elapsed.TotalSeconds);
                }
            }
            var seconds = samples.Select(Timing.Median).ToArray();
            return new OrleansRunnerResult(trials, stepsPerWindow, trialSeconds, seconds[0], seconds[1], seconds[2], seconds[3]);
        }
        finally
        {
            foreach (var cluster in new[] { one, two, isolated }) cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static LocalTrialCluster Start(LocalTrialClusterOptions options) => LocalTrialCluster.StartAsync(options).GetAwaiter().GetResult();

    private static void Batch(ITrialRunner runner, IReadOnlyList<TrialSpec> specs)
    {
        var outcomes = Task.WhenAll(specs.Select(s => Task.Run(() => runner.RunAsync(s, CancellationToken.None)))).GetAwaiter().GetResult();
        foreach (var outcome in outcomes) Check(outcome);
    }

    private static void Check(TrialOutcome outcome)
    {
        if (outcome.Status != TrialStatus.Completed) throw new InvalidOperationException($"The benchmark trial {outcome.Name} failed: {outcome.Error}");
    }
}
