using System.Collections.Concurrent;
using Plasticity.ML.Orleans.Runner;
using Plasticity.ML.Orleans.Silo;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tests.Search.Experiment;

namespace Plasticity.ML.Tests.Cluster;

/// <summary>The search's trials on Orleans' in-process test cluster of three silos (one slot each).</summary>
[TestClass]
public sealed class OrleansTrialRunnerTests : SearchFolderTests
{
    private SearchExperiment Experiment(ITrialRunner runner, string learner, int trials, int parallel = 3) => new SearchExperiment()
        .SetData(Data, tuningWindows: 4)
        .SetTrainingOptions(SearchFixtures.Options)
        .SetSearchSpace(SearchFixtures.Space)
        .SetTuner(new RandomSearchTuner(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 3 }))
        .SetBudget(SearchBudget.Trials(trials))
        .SetParallelism(parallel)
        .SetRunner(runner)
        .SetHeldOutEvaluation(false)
        .SetCheckpointFolder(Folder("search"))
        .WithLearner(learner);

    private static string Core => LearnerTypes.NameOf<ContinualLearnerFactory>();

    private static int Results(SearchResult result) =>
        File.ReadAllLines(Path.Combine(result.Folder, "history.jsonl")).Count(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal));

    [TestMethod]
    public async Task ASearchOnThreeSilosRecordsEveryTrialOnceAndGivesTheLocalRunnersHistory()
    {
        var local = await Experiment(new InProcessTrialRunner(3), Core, trials: 6).RunAsync();
        await using var cluster = await TestTrialCluster.StartAsync();
        Assert.AreEqual(3, cluster.Runner.Capacity, "three silos of one slot");
        Assert.HasCount(3, cluster.Runner.Silos);
        var started = new ConcurrentBag<TrialAttemptEventArgs>();
        cluster.Runner.AttemptStarted += (_, e) => started.Add(e);

        var result = await Experiment(cluster.Runner, Core, trials: 6).RunAsync();

        SearchHistoryAssert.Same(local, result);
        Assert.AreEqual(6, Results(result), "one result line per trial");
        Assert.IsTrue(result.History.All(t => t.Status == TrialStatus.Completed));
        Assert.HasCount(6, started, "each trial started once");
        Assert.AreEqual(6, started.Select(e => e.Trial).Distinct().Count());
        Assert.HasCount(3, started.Select(e => e.Silo).Distinct().ToList(), "the first three trials took one silo each");
        Assert.AreEqual(6L, cluster.Services.Sum(s => s.Started));
        Assert.IsTrue(result.History.All(t => t.Worker is { } w && w.Contains("(silo ", StringComparison.Ordinal)), "outcomes name their silo");
    }

    [TestMethod]
    public async Task KillingASiloInTheMiddleOfATrialRunsItAgainElsewhereAndTheSearchEndsWithTheSameTrials()
    {
        string slow = LearnerTypes.NameOf<SlowLearnerFactory>();
        var reference = await Experiment(new InProcessTrialRunner(3), slow, trials: 6).RunAsync();
        await using var cluster = await TestTrialCluster.StartAsync();
        var started = new ConcurrentQueue<TrialAttemptEventArgs>();
        var lost = new ConcurrentQueue<TrialAttemptEventArgs>();
        Task? kill = null;
        cluster.Runner.AttemptStarted += (_, e) =>
        {
            started.Enqueue(e);
            if (e.Trial == "1" && e.Attempt == 1)
            {
                var silo = cluster.Silo(e.Silo);
                // 0.5 s into a trial of three 0.4 s windows: in its middle.
                kill = Task.Run(async () =>
                {
                    await Task.Delay(500);
                    await cluster.Cluster.KillSiloAsync(silo);
                });
            }
        };
        cluster.Runner.AttemptLost += (_, e) => lost.Enqueue(e);

        var result = await Experiment(cluster.Runner, slow, trials: 6).RunAsync();
        await kill!;

        string failures = string.Join("; ", result.History.Where(t => t.Status != TrialStatus.Completed).Select(t => $"trial {t.Id}: {t.Error}"));
        Assert.AreEqual("", failures, "no trial failed");
        CollectionAssert.AreEqual(SearchHistoryAssert.Trials(reference).ToArray(), SearchHistoryAssert.Trials(result).ToArray(), "the same trials, parameters and metrics");
        Assert.AreEqual(6, Results(result), "nothing counted twice");
        Assert.IsTrue(result.History.All(t => t.Status == TrialStatus.Completed), "nothing lost");
        var killed = started.First(e => e.Trial == "1").Silo;
        Assert.IsTrue(lost.Any(e => e.Trial == "1" && e.Silo == killed), "trial 1 was lost with its silo");
        var again = started.Where(e => e.Trial == "1").ToList();
        Assert.IsGreaterThanOrEqualTo(2, again.Count);
        Assert.AreNotEqual(killed, again[^1].Silo, "it ran again on a live silo");
        // The membership declares the killed silo dead within seconds (quick probes); the runner then drops it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (cluster.Runner.Silos.Count > 2 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        Assert.AreEqual(2, cluster.Runner.Silos.Count, "the runner dropped the dead silo");
        Assert.AreEqual(2, cluster.Runner.Capacity);
    }

    [TestMethod]
    public async Task CancellingTheSearchStopsTheTrialsOnEverySilo()
    {
        await using var cluster = await TestTrialCluster.StartAsync();
        using var cancel = new CancellationTokenSource();
        var started = new ConcurrentBag<string>();
        cluster.Runner.AttemptStarted += (_, e) =>
        {
            started.Add(e.Silo);
            if (started.Count == 3) cancel.CancelAfter(300);
        };
        var experiment = Experiment(cluster.Runner, LearnerTypes.NameOf<SlowerLearnerFactory>(), trials: 6);

        await Assert.ThrowsAsync<OperationCanceledException>(() => experiment.RunAsync(cancel.Token));

        Assert.HasCount(3, started.Distinct().ToList(), "a trial ran on each silo");
        foreach (var service in cluster.Services)
        {
            Assert.AreEqual(0, service.Running, $"silo {service.Info.Silo} runs nothing once the search has stopped");
            Assert.AreEqual(1L, service.Stopped, $"silo {service.Info.Silo} stopped its trial");
            Assert.AreEqual(0L, service.Completed, "no trial of 4.5 s ended");
        }
    }

    [TestMethod]
    public async Task ASiloThatCannotRunTrialsRefusesThemAndTheyRunOnTheOthers()
    {
        // Silo 0's trial workers are not a trial worker program: an infrastructure failure of that silo, not of any trial.
        await using var cluster = await TestTrialCluster.StartAsync(trials: name => name == "Silo_0"
            ? new TrialSiloOptions { Slots = 1, Execution = TrialExecution.Processes, WorkerCommand = new TrialWorkerCommand("/bin/echo", ["not a worker"]), WorkFolder = Folder("work") }
            : TestTrialCluster.OneThread);
        var refused = new ConcurrentBag<TrialAttemptEventArgs>();
        cluster.Runner.AttemptRefused += (_, e) => refused.Add(e);
        var local = await Experiment(new InProcessTrialRunner(3), Core, trials: 4).RunAsync();

        var result = await Experiment(cluster.Runner, Core, trials: 4).RunAsync();

        SearchHistoryAssert.Same(local, result);
        Assert.HasCount(1, refused, "silo 0 refused once and was used no more");
        StringAssert.Contains(refused.Single().Reason, "trial runner cannot work");
        StringAssert.Contains(refused.Single().Reason, "did not answer as a trial worker");
        Assert.AreEqual(2, cluster.Runner.Capacity, "the refusing silo's slot is not offered");
    }

    [TestMethod]
    public async Task DataNoSiloCanReadStopsTheRunnerWhileATrialsOwnFailureIsRecordedOnce()
    {
        await using var cluster = await TestTrialCluster.StartAsync();
        var started = new ConcurrentBag<TrialAttemptEventArgs>();
        cluster.Runner.AttemptStarted += (_, e) => started.Add(e);

        var failing = SearchFixtures.Spec(Data, "throws", fidelity: 3) with { Learner = LearnerTypes.NameOf<ThrowingLearnerFactory>() };
        var outcome = await cluster.Runner.RunAsync(failing, CancellationToken.None);
        Assert.AreEqual(TrialStatus.Failed, outcome.Status);
        StringAssert.Contains(outcome.Error, "test failure while learning window 2");
        Assert.HasCount(1, started, "a trial that fails by itself is not run again");

        string missing = Path.Combine(Folder("nowhere"), "stream.windows");
        var unreachable = SearchFixtures.Spec(new StreamReference { Location = missing }, "no-data", fidelity: 3);
        var e = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => cluster.Runner.RunAsync(unreachable, CancellationToken.None));
        StringAssert.Contains(e.Message, "No silo of the cluster can run this search's trials");
        StringAssert.Contains(e.Message, $"cannot read the window stream {missing}");
        Assert.HasCount(1, started, "the unreachable trial never started");
    }
}
