using System.Collections.Concurrent;
using System.Diagnostics;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.CostFrugal;

namespace Plasticity.ML.Tests.Search.Experiment;

/// <summary>The process pool with the lab as its worker program (run with this test project's dependencies).</summary>
[TestClass]
public sealed class ProcessPoolRunnerTests : SearchFolderTests
{
    private SearchExperiment Experiment(ITrialRunner runner, string learner, ITuner tuner, int trials, int parallel) => new SearchExperiment()
        .SetData(Data, tuningWindows: 4)
        .SetTrainingOptions(SearchFixtures.Options)
        .SetSearchSpace(SearchFixtures.Space)
        .SetTuner(tuner)
        .SetBudget(SearchBudget.Trials(trials))
        .SetParallelism(parallel)
        .SetRunner(runner)
        .SetHeldOutEvaluation(false)
        .SetCheckpointFolder(Folder("search"))
        .WithLearner(learner);

    private ProcessPoolTrialRunner Pool(int workers) =>
        new(new ProcessPoolOptions { WorkerCommand = SearchFixtures.Worker, MaxWorkers = workers, WorkFolder = Folder("work") });

    private static CostFrugalTuner Cfo() => new(SearchFixtures.Space, new CostFrugalOptions { Direction = OptimizationDirection.Maximize, Seed = 4 });

    [TestMethod]
    public async Task WorkerProcessesGiveTheSameHistoryAsTrialsInThisProcess()
    {
        string core = LearnerTypes.NameOf<ContinualLearnerFactory>();
        var inProcess = await Experiment(new InProcessTrialRunner(2), core, Cfo(), trials: 4, parallel: 2).RunAsync();
        var pool = Pool(2);
        var pids = new ConcurrentBag<int>();
        pool.WorkerStarted += (_, e) => pids.Add(e.ProcessId);
        var workers = await Experiment(pool, core, Cfo(), trials: 4, parallel: 2).RunAsync();
        SearchHistoryAssert.Same(inProcess, workers);
        Assert.HasCount(4, pids.Distinct().ToList(), "one worker process per trial");
        Assert.IsTrue(workers.History.All(t => t.Worker is { } w && !w.EndsWith("/" + Environment.ProcessId, StringComparison.Ordinal)), "the trials ran elsewhere");
    }

    [TestMethod]
    public async Task AWorkerThatDiesIsAFailedTrialAndTheSearchGoesOn()
    {
        var pool = Pool(1);
        pool.WorkerStarted += (_, e) =>
        {
            if (e.Trial == "1") Process.GetProcessById(e.ProcessId).Kill();
        };
        var random = new RandomSearchTuner(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 1 });
        var result = await Experiment(pool, LearnerTypes.NameOf<SlowLearnerFactory>(), random, trials: 3, parallel: 1).RunAsync();
        CollectionAssert.AreEqual(new TrialStatus?[] { TrialStatus.Completed, TrialStatus.Failed, TrialStatus.Completed }, result.History.Select(t => t.Status).ToArray());
        StringAssert.Contains(result.History[1].Error, "was killed by signal 9 (SIGKILL; exit code 137) without a result");
    }

    [TestMethod]
    public async Task CancellingTheSearchKillsItsWorkers()
    {
        var pool = Pool(2);
        var pids = new ConcurrentBag<int>();
        using var cancel = new CancellationTokenSource();
        pool.WorkerStarted += (_, e) =>
        {
            pids.Add(e.ProcessId);
            if (pids.Count == 2) cancel.CancelAfter(500);
        };
        var random = new RandomSearchTuner(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 1 });
        var experiment = Experiment(pool, LearnerTypes.NameOf<SlowLearnerFactory>(), random, trials: 4, parallel: 2);
        await Assert.ThrowsAsync<OperationCanceledException>(() => experiment.RunAsync(cancel.Token));
        Assert.HasCount(2, pids);
        foreach (int pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                Assert.IsTrue(process.HasExited, $"worker {pid} was killed");
            }
            catch (ArgumentException)
            {
                // Gone: killed and reaped.
            }
        }
    }

    [TestMethod]
    public async Task ACommandThatIsNotAWorkerFailsClearlyBeforeAnyTrial()
    {
        var pool = new ProcessPoolTrialRunner(new ProcessPoolOptions { WorkerCommand = new TrialWorkerCommand("/bin/echo", ["not a worker"]), WorkFolder = Folder("work") });
        var random = new RandomSearchTuner(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 1 });
        var e = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => Experiment(pool, LearnerTypes.NameOf<ContinualLearnerFactory>(), random, 1, 1).RunAsync());
        StringAssert.Contains(e.Message, "did not answer as a trial worker");
        StringAssert.Contains(e.Message, "TrialWorker.RunIfRequested(args)");
    }

    [TestMethod]
    public void AWorkerWhosePoolDiesStopsAtOnceWithoutAResult()
    {
        string work = Folder("orphan");
        Directory.CreateDirectory(work);
        string spec = Path.Combine(work, "spec.json"), outcome = Path.Combine(work, "outcome.json");
        // Five slow windows (1.5 s each): the pool dies while the trial runs, and a worker that outlived it would show.
        File.WriteAllText(spec, (SearchFixtures.Spec(Data, "orphan", fidelity: 5) with { Learner = LearnerTypes.NameOf<SlowerLearnerFactory>() }).ToJson());
        var command = SearchFixtures.Worker;
        var start = new ProcessStartInfo(command.FileName) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Arguments.Concat([TrialWorker.TrialArgument, spec, outcome, TrialWorker.ExitWithParentArgument])) start.ArgumentList.Add(argument);
        using var worker = Process.Start(start)!;
        worker.BeginOutputReadLine();
        worker.BeginErrorReadLine();
        Thread.Sleep(3000);
        worker.StandardInput.Close(); // what the pool's death does to the pipe it held open
        Assert.IsTrue(worker.WaitForExit(30_000), "the worker ended");
        Assert.AreEqual(3, worker.ExitCode, "it stopped cleanly because its pool went away, not because the trial ended (0) or the runtime crashed");
        Assert.IsFalse(File.Exists(outcome));
    }

    [TestMethod]
    public void ExitCodesOfKilledWorkersAreNamed()
    {
        Assert.AreEqual("exited with code 3", ProcessPoolTrialRunner.DescribeExit(3));
        Assert.AreEqual("was killed by signal 11 (SIGSEGV; exit code 139)", ProcessPoolTrialRunner.DescribeExit(139));
    }
}

/// <summary>Runs a search with another learner type over the same options.</summary>
internal static class ExperimentLearnerExtensions
{
    public static SearchExperiment WithLearner(this SearchExperiment experiment, string learner) =>
        learner == LearnerTypes.NameOf<ContinualLearnerFactory>()
            ? experiment
            : experiment.SetLearner(learner, p => Plasticity.ML.Common.PlasticityJson.Serialize(SearchFixtures.Space.Apply(SearchFixtures.Options, p)));
}
