using System.Diagnostics.CodeAnalysis;

namespace Plasticity.ML.Testing;

/// <summary>
/// A thread that collects garbage and runs finalizers in a tight loop. A TorchSharp tensor that nothing references any
/// more (the middle of a chain such as <c>x.narrow(...).view(...)</c> outside a dispose scope) can be finalized, and its
/// native tensor freed, while libtorch still reads it; in a normal run that window is hit once in thousands of calls,
/// under this thread within seconds. Tests use <see cref="Collecting"/> around the paths they guard; with the
/// environment variable <c>PLASTICITY_FINALIZER_STRESS=1</c> the whole suite runs under it (several times slower).
/// </summary>
[TestClass]
[ExcludeFromCodeCoverage]
public static class FinalizerRaceStress
{
    private static IDisposable? wholeRun;

    /// <summary>Starts the collecting thread for the whole test run when the variable asks for it.</summary>
    [AssemblyInitialize]
    public static void Start(TestContext context)
    {
        _ = context;
        // Mostly young collections: a full collection in a tight loop would starve allocation-heavy code (ML.NET's
        // own trainers) of the CPU.
        if (Environment.GetEnvironmentVariable("PLASTICITY_FINALIZER_STRESS") == "1") wholeRun = Collecting(fullEvery: 100);
    }

    /// <summary>Stops it.</summary>
    [AssemblyCleanup]
    public static void Stop() => wholeRun?.Dispose();

    /// <summary>Collects garbage and runs finalizers on another thread until the result is disposed: a full collection
    /// every <paramref name="fullEvery"/> collections, young ones in between.</summary>
    public static IDisposable Collecting(int fullEvery = 1) => new Collector(fullEvery);

    private sealed class Collector : IDisposable
    {
        private readonly Thread thread;
        private volatile bool stopping;

        public Collector(int fullEvery)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fullEvery);
            thread = new Thread(() =>
            {
                for (long i = 0; !stopping; i++)
                {
                    GC.Collect(i % fullEvery == fullEvery - 1 ? GC.MaxGeneration : 0, GCCollectionMode.Forced, blocking: true);
                    GC.WaitForPendingFinalizers();
                }
            }) { IsBackground = true, Name = "finalizer race stress" };
            thread.Start();
        }

        public void Dispose()
        {
            stopping = true;
            thread.Join();
        }
    }
}
