namespace Plasticity.ML.Optimization;

/// <summary>
/// The bookkeeping behind <see cref="TorchThreads.Use"/>: a count of open scopes, the count to restore when the last
/// one closes, and the count the first one set. Separate from libtorch (it takes the getter and setter) so that its
/// rules can be tested with many threads against a plain variable.
/// </summary>
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
            if (open == 0)
            {
                restore = get();
                set(threads);
                inForce = threads;
            }
            open++;
            return new ThreadCountScope(this, threads, inForce);
        }
    }

    /// <summary>Closes one scope; the last one restores the count from before the first.</summary>
    public void Leave()
    {
        lock (gate)
        {
            if (open == 0) throw new InvalidOperationException("A thread-count scope was closed more often than it was opened.");
            open--;
            if (open == 0) set(restore);
        }
    }
}
