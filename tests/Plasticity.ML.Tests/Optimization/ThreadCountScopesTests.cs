using Plasticity.ML.Optimization;

namespace Plasticity.ML.Tests.Optimization;

[TestClass]
public sealed class ThreadCountScopesTests
{
    /// <summary>
    /// A stand-in for libtorch's count (OpenMP build): a process-wide default that a thread copies on its first use,
    /// and a per-thread count that set_num_threads writes together with the default and get_num_threads reads.
    /// </summary>
    private sealed class Setting(int initial)
    {
        private int defaultCount = initial;
        private readonly ThreadLocal<int?> perThread = new();
        public int Default => Volatile.Read(ref defaultCount);
        public int Get() => perThread.Value ??= Default;
        public void Set(int threads)
        {
            perThread.Value = threads;
            Volatile.Write(ref defaultCount, threads);
        }
    }

    [TestMethod]
    public void TheFirstScopeSetsItsCountAndTheLastOneOutRestoresTheOriginal()
    {
        var setting = new Setting(8);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        using var firstOpen = new ManualResetEventSlim();
        using var firstMayLeave = new ManualResetEventSlim();
        ThreadCountScope? first = null;
        var firstRun = new Thread(() =>
        {
            first = scopes.Enter(1);
            firstOpen.Set();
            firstMayLeave.Wait();
            first.Dispose();
        });
        firstRun.Start();
        firstOpen.Wait();
        Assert.AreEqual(1, first!.Threads);
        Assert.AreEqual(1, setting.Default);

        // A second run asking for 4 threads while the first trains: it runs with the count in force.
        var second = scopes.Enter(4);
        Assert.AreEqual(4, second.Requested);
        Assert.AreEqual(1, second.Threads);
        Assert.AreEqual(1, setting.Get());

        // The first run finishes first: its restore must not undo the count the second is still running with.
        firstMayLeave.Set();
        firstRun.Join();
        Assert.AreEqual(1, setting.Get());
        Assert.AreEqual(1, scopes.Open);

        second.Dispose();
        Assert.AreEqual(8, setting.Get());
        Assert.AreEqual(8, setting.Default, "the last one out restores the count from before the first");
        Assert.AreEqual(0, scopes.Open);
    }

    [TestMethod]
    public void AThreadThatCarriesAnOldCountRunsWithTheCountInForce()
    {
        var setting = new Setting(8);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        // A pool thread that once ran with 3 threads keeps that count (libtorch's per-thread count).
        int seen = 0, after = 0;
        using var first = scopes.Enter(1);
        var worker = new Thread(() =>
        {
            setting.Set(3);
            using (var scope = scopes.Enter(2)) seen = setting.Get();
            after = setting.Get();
        });
        worker.Start();
        worker.Join();
        Assert.AreEqual(1, seen, "inside its scope the thread runs with the count in force, not its stale 3");
        Assert.AreEqual(3, after, "and gets its own count back when its scope closes");
    }

    [TestMethod]
    public void DisposingTwiceLeavesOnce()
    {
        var setting = new Setting(3);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        var outer = scopes.Enter(2);
        var inner = scopes.Enter(5);
        inner.Dispose();
        inner.Dispose();
        Assert.AreEqual(1, scopes.Open, "a second Dispose must not close the outer scope");
        Assert.AreEqual(2, setting.Get());
        outer.Dispose();
        Assert.AreEqual(3, setting.Get());
    }

    [TestMethod]
    public void ManyThreadsOpeningAndClosingScopesNeverSeeTheirCountChangeAndEndWithTheOriginal()
    {
        var setting = new Setting(7);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        int violations = 0;
        using var start = new Barrier(6);
        var workers = Enumerable.Range(0, 6).Select(w => new Thread(() =>
        {
            var random = new Random(w);
            // Each worker has used libtorch before the scopes start (as the threads of a pool that trained before):
            // a thread whose first use falls inside another scope takes that scope's count as its own "previous"
            // (libtorch copies the default on first use), and the last one out would then restore that instead.
            _ = setting.Get();
            start.SignalAndWait();
            for (int i = 0; i < 2_000; i++)
            {
                using var scope = scopes.Enter(1 + random.Next(4));
                // While any scope is open, the setting is the count the scope was told it runs with.
                for (int k = 0; k < 3; k++)
                {
                    if (setting.Get() != scope.Threads) Interlocked.Increment(ref violations);
                    Thread.Yield();
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        Assert.AreEqual(0, violations, "a scope saw the count change under it");
        Assert.AreEqual(0, scopes.Open);
        Assert.AreEqual(7, setting.Default, "the last scope out restores the count from before the first");
    }

    [TestMethod]
    public void ClosingMoreScopesThanWereOpenedIsAnError()
    {
        var setting = new Setting(1);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        Assert.ThrowsExactly<InvalidOperationException>(() => scopes.Leave(1));
    }

    [TestMethod]
    public void TorchThreadsUseSetsLibtorchsCountAndRestoresIt()
    {
        int previous = TorchThreads.Current;
        int wanted = previous == 2 ? 1 : 2;
        using (var scope = TorchThreads.Use(wanted))
        {
            Assert.AreEqual(wanted, scope.Threads);
            Assert.AreEqual(wanted, TorchThreads.Current);
        }
        Assert.AreEqual(previous, TorchThreads.Current);
    }
}
