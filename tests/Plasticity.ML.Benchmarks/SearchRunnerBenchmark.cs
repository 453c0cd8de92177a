using Plasticity.ML.Networks;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;

namespace Plasticity.ML.Benchmarks;

/// <summary>One search trial run in this process and through the process pool (a worker process per trial).</summary>
/// <param name="Windows">Windows the trial learns.</param>
/// <param name="StepsPerWindow">Optimizer steps per window.</param>
/// <param name="InProcessSeconds">Median seconds of <see cref="TrialExecutor.Execute"/> in this process.</param>
/// <param name="ProcessPoolSeconds">Median seconds of the same trial through <see cref="ProcessPoolTrialRunner"/> (start, run, outcome).</param>
public sealed record SearchRunnerResult(int Windows, int StepsPerWindow, double InProcessSeconds, double ProcessPoolSeconds)
{
    /// <summary>Process pool time over in-process time.</summary>
    public double Ratio => ProcessPoolSeconds / InProcessSeconds;

    /// <summary>What a worker process adds to a trial: start-up, runtime and libtorch loading, reading the data, the spec and outcome files.</summary>
    public double OverheadSeconds => ProcessPoolSeconds - InProcessSeconds;
}

/// <summary>
/// The cost of running a search trial in its own worker process: the same small trial (a 784-64-10 MLP on 5 windows of
/// the embedded drifting stream) run by <see cref="TrialExecutor.Execute"/> here and by a one-worker
/// <see cref="ProcessPoolTrialRunner"/> whose worker is this program, interleaved. The reference for issue 18's
/// comparison of the cluster runner with the local one.
/// </summary>
public static class SearchRunnerBenchmark
{
    /// <summary>Measures the two ways in <paramref name="rounds"/> interleaved rounds.</summary>
    public static SearchRunnerResult Measure(int stepsPerWindow, int rounds)
    {
        var options = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [784], HiddenWidths = [64], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
            StepsPerTask = stepsPerWindow,
            Threads = 1,
        };
        var spec = new TrialSpec
        {
            Name = "benchmark",
            Learner = LearnerTypes.NameOf<ContinualLearnerFactory>(),
            Options = SearchExperiment.Compact(options),
            Data = StreamReference.Embedded(new DriftingStreamSpec { Windows = 6, ImagesPerWindow = 200 }),
            Windows = 6,
            Fidelity = 5,
        };
        var pool = new ProcessPoolTrialRunner(new ProcessPoolOptions { WorkerCommand = TrialWorkerCommand.ForAssembly(typeof(Program).Assembly), MaxWorkers = 1 });
        var seconds = Timing.Interleaved(1, rounds,
            () => Check(TrialExecutor.Execute(spec)),
            () => Check(pool.RunAsync(spec, CancellationToken.None).GetAwaiter().GetResult()));
        return new SearchRunnerResult(5, stepsPerWindow, seconds[0], seconds[1]);
    }

    private static void Check(TrialOutcome outcome)
    {
        if (outcome.Status != TrialStatus.Completed) throw new InvalidOperationException($"The benchmark trial failed: {outcome.Error}");
    }
}
