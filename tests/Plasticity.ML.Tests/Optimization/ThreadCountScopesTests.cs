using Plasticity.ML.Optimization;

namespace Plasticity.ML.Tests.Optimization;

[TestClass]
public sealed class ThreadCountScopesTests
{
    /// <summary>A process-wide setting stand-in that records every write.</summary>
    private sealed class Setting(int initial)
    {
        private int value = initial;
        public int Writes;
        public int Get() => Volatile.Read(ref value);
        public void Set(int threads)
        {
            Interlocked.Increment(ref Writes);
            Volatile.Write(ref value, threads);
        }
    }

    [TestMethod]
    public void TheFirstScopeSetsItsCountAndTheLastOneOutRestoresTheOriginal()
    {
        var setting = new Setting(8);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        var first = scopes.Enter(1);
        Assert.AreEqual(1, setting.Get());
        Assert.AreEqual(1, first.Threads);

        // A second run asking for 4 threads while the first trains: the count in force does not move.
        var second = scopes.Enter(4);
        Assert.AreEqual(4, second.Requested);
        Assert.AreEqual(1, second.Threads);
        Assert.AreEqual(1, setting.Get());

        // The first run finishes first: its "restore" must not undo the count the second is still running with.
        first.Dispose();
        Assert.AreEqual(1, setting.Get());
        Assert.AreEqual(1, scopes.Open);

        second.Dispose();
        Assert.AreEqual(8, setting.Get());
        Assert.AreEqual(0, scopes.Open);
        Assert.AreEqual(2, setting.Writes, "one write on the way in, one on the way out");
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
        Assert.AreEqual(7, setting.Get(), "the last scope out restores the count from before the first");
        Assert.AreEqual(0, setting.Writes % 2, "every write on the way in is matched by a restore on the way out");
    }

    [TestMethod]
    public void ClosingMoreScopesThanWereOpenedIsAnError()
    {
        var setting = new Setting(1);
        var scopes = new ThreadCountScopes(setting.Get, setting.Set);
        Assert.ThrowsExactly<InvalidOperationException>(scopes.Leave);
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
