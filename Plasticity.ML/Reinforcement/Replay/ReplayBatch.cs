using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Replay;

/// <summary>
/// A mini-batch of n-step transitions in preallocated CPU tensors, refilled in place by every
/// <see cref="ReplayBuffer.Sample(ReplayBatch, Common.RandomStream)"/>: observations are decoded straight into the
/// tensors' memory (one copy per batch, no allocation per step). The TD target of row i is
/// <c>Returns[i] + Discounts[i] * V(NextObservations[i])</c>.
/// </summary>
/// <remarks>The tensors are overwritten by the next sample: use them (forward, loss, backward) before sampling again,
/// and do not keep references across samples.</remarks>
public sealed class ReplayBatch : IDisposable
{
    /// <summary>Allocates the tensors of a batch of <paramref name="size"/> observations of <paramref name="observationShape"/>.</summary>
    public ReplayBatch(int size, IReadOnlyList<int> observationShape)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentNullException.ThrowIfNull(observationShape);
        Size = size;
        long[] shape = [size, .. observationShape.Select(d => (long)d)];
        Observations = empty(shape, ScalarType.Float32).DetachFromDisposeScope();
        NextObservations = empty(shape, ScalarType.Float32).DetachFromDisposeScope();
        Actions = empty([size], ScalarType.Int64).DetachFromDisposeScope();
        ActionColumn = Actions.view(size, 1).DetachFromDisposeScope();
        Returns = empty([size], ScalarType.Float32).DetachFromDisposeScope();
        Discounts = empty([size], ScalarType.Float32).DetachFromDisposeScope();
        Weights = ones([size], ScalarType.Float32).DetachFromDisposeScope();
        Slots = new int[size];
        Steps = new int[size];
    }

    /// <summary>Transitions per batch.</summary>
    public int Size { get; }

    /// <summary>Observations <c>[B, C, H, W]</c> (float, scaled to [0, 1]).</summary>
    public Tensor Observations { get; }

    /// <summary>The observations n steps later (or at the episode's end) <c>[B, C, H, W]</c>.</summary>
    public Tensor NextObservations { get; }

    /// <summary>Actions taken in <see cref="Observations"/> <c>[B]</c> (int64).</summary>
    public Tensor Actions { get; }

    /// <summary><see cref="Actions"/> as a column <c>[B, 1]</c> (a view), the index <c>gather</c> takes.</summary>
    public Tensor ActionColumn { get; }

    /// <summary>Discounted sums of the rewards up to <see cref="NextObservations"/> <c>[B]</c>.</summary>
    public Tensor Returns { get; }

    /// <summary><c>gamma^m</c> when the episode goes on after the m steps summed, 0 when it terminated within them <c>[B]</c>.</summary>
    public Tensor Discounts { get; }

    /// <summary>Importance-sampling weights of prioritized replay (normalized to a largest weight of 1); all 1 for uniform sampling.</summary>
    public Tensor Weights { get; }

    /// <summary>The replay slots the transitions start at (for <see cref="ReplayBuffer.UpdatePriorities"/>).</summary>
    public int[] Slots { get; }

    /// <summary>The number of rewards summed in each row (n, or fewer at an episode's end).</summary>
    public int[] Steps { get; }

    internal Span<float> ObservationSpan => MemoryMarshal.Cast<byte, float>(Observations.bytes);

    internal Span<float> NextObservationSpan => MemoryMarshal.Cast<byte, float>(NextObservations.bytes);

    internal Span<long> ActionSpan => MemoryMarshal.Cast<byte, long>(Actions.bytes);

    internal Span<float> ReturnSpan => MemoryMarshal.Cast<byte, float>(Returns.bytes);

    internal Span<float> DiscountSpan => MemoryMarshal.Cast<byte, float>(Discounts.bytes);

    internal Span<float> WeightSpan => MemoryMarshal.Cast<byte, float>(Weights.bytes);

    /// <inheritdoc />
    public void Dispose()
    {
        Observations.Dispose();
        NextObservations.Dispose();
        ActionColumn.Dispose();
        Actions.Dispose();
        Returns.Dispose();
        Discounts.Dispose();
        Weights.Dispose();
    }
}
