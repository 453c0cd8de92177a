namespace Plasticity.ML.Optimization;

/// <summary>
/// An open <see cref="TorchThreads.Use"/> scope: the intra-op thread count in force while it is open. Dispose it to
/// leave (the last scope to leave restores the count from before the first).
/// </summary>
public sealed class ThreadCountScope : IDisposable
{
    private readonly ThreadCountScopes owner;
    private readonly int previousOnThisThread;
    private int disposed;

    internal ThreadCountScope(ThreadCountScopes owner, int requested, int threads, int previousOnThisThread)
    {
        this.owner = owner;
        Requested = requested;
        Threads = threads;
        this.previousOnThisThread = previousOnThisThread;
    }

    /// <summary>The count this scope asked for.</summary>
    public int Requested { get; }

    /// <summary>The count in force while this scope is open (the first open scope's request).</summary>
    public int Threads { get; }

    /// <summary>Leaves the scope (on the thread that opened it); a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) owner.Leave(previousOnThisThread);
    }
}
