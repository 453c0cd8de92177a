using System.Runtime.ExceptionServices;

namespace Plasticity.ML.Reinforcement.Environments.Vectorized;

/// <summary>
/// A fixed set of threads that each run one chunk of work per <see cref="Run"/> call, the caller running chunk 0.
/// Threads are started once and meet at a <see cref="Barrier"/> twice per call (start, end), so a call allocates
/// nothing. An exception in any chunk is rethrown on the caller after every chunk has finished.
/// </summary>
internal sealed class ChunkWorkers : IDisposable
{
    private readonly Action<int> work;
    private readonly Barrier barrier;
    private readonly Thread[] threads;
    private volatile bool stopping;
    private Exception? failure;

    public ChunkWorkers(int chunks, Action<int> work)
    {
        this.work = work;
        barrier = new Barrier(chunks);
        threads = new Thread[chunks - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            int chunk = i + 1;
            threads[i] = new Thread(() => Loop(chunk)) { IsBackground = true, Name = $"VectorEnvironment worker {chunk}" };
            threads[i].Start();
        }
    }

    /// <summary>Runs every chunk once and returns when all are done.</summary>
    public void Run()
    {
        barrier.SignalAndWait();
        RunChunk(0);
        barrier.SignalAndWait();
        if (Interlocked.Exchange(ref failure, null) is { } e) ExceptionDispatchInfo.Capture(e).Throw();
    }

    private void Loop(int chunk)
    {
        while (true)
        {
            barrier.SignalAndWait();
            if (stopping) return;
            RunChunk(chunk);
            barrier.SignalAndWait();
        }
    }

    private void RunChunk(int chunk)
    {
        try
        {
            work(chunk);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref failure, e, null);
        }
    }

    public void Dispose()
    {
        stopping = true;
        barrier.SignalAndWait();
        foreach (var thread in threads) thread.Join();
        barrier.Dispose();
    }
}
