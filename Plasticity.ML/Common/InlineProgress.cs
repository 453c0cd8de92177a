namespace Plasticity.ML.Common;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports synchronously on the calling thread. <see cref="Progress{T}"/> posts to the
/// captured synchronization context, or to the thread pool without one, so its reports can arrive late and out of order:
/// a run's progress must arrive in order, before the run goes on.
/// </summary>
/// <typeparam name="T">The progress value.</typeparam>
/// <param name="report">Receives each value.</param>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
