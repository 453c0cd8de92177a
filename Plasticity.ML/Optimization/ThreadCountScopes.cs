namespace Plasticity.ML.Optimization;

/// <summary>
/// The bookkeeping behind <see cref="TorchThreads.Use"/>: a count of open scopes, the count to restore when the last
/// one closes, and the count the first one set. Separate from libtorch (it takes the getter and setter) so that its
/// rules can be tested with many threads against a stand-in.
/// </summary>
/// <remarks>
/// libtorch (OpenMP build) keeps the count per thread once a thread has run an operation: <c>set_num_threads</c>
/// sets the calling thread's count and the default that threads take on their first operation, and
/// <c>get_num_threads</c> reads the calling thread's count. So every scope sets the count on its own thread (a
/// thread-pool thread may still carry a count from earlier work), and puts its thread's previous count back when it
/// closes; the last scope to close puts back the count from before the first one. Known limit: a thread whose first
/// libtorch operation falls inside another scope copies that scope's count as its own, so when such a thread opens
/// the next first scope, "the count from before" is that count.
/// </remarks>
internal sealed class ThreadCountScopes(Func<int> get, Action<int> set)
{
    private readonly Lock gate = new();
    private int open;
    private int restore;
    private int inForce;

    /// <summary>Number of open scopes.</summary>
    public int Open
    {
        get
        {
            lock (gate) return open;
        }
    }

    /// <summary>Opens a scope asking for <paramref name="threads"/>.</summary>
    public ThreadCountScope Enter(int threads)
    {
        lock (gate)
        {
            int previous = get();
            if (open == 0)
            {
                restore = previous;
                inForce = threads;
            }
            set(inForce);
            open++;
            return new ThreadCountScope(this, threads, inForce, previous);
        }
    }

    /// <summary>Closes one scope: the last one restores the count from before the first, the others their thread's.</summary>
    public void Leave(int previousOnThisThread)
    {
        lock (gate)
        {
            if (open == 0) throw new InvalidOperationException("A thread-count scope was closed more often than it was opened.");
            open--;
            set(open == 0 ? restore : previousOnThisThread);
        }
    }
}
