using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// An exponential moving average of a network's weights (Polyak averaging): after every optimizer step,
/// <c>average = decay * average + (1 - decay) * weights</c>, parameter by parameter. The average is a network of its
/// own (<see cref="Network"/>), to evaluate or to keep in place of the last weights; it smooths out the noise of the
/// last mini-batch steps, which on small data is most of what separates one epoch's weights from the next.
/// </summary>
/// <remarks>
/// Buffers (BatchNorm's running statistics) are not averaged: <see cref="SyncBuffers"/> copies the live network's into
/// the average before it is used. On the CPU the update is one vectorized pass over each parameter's memory, with no
/// libtorch call; elsewhere it runs as two in-place tensor operations per parameter. The live network's parameters
/// must stay the same tensors while the average exists (an intervention that swaps or adds parameters, such as a
/// plasticity injection, needs a new average).
/// </remarks>
public sealed class WeightAverage : IDisposable
{
    private readonly PlasticNetwork live;
    private readonly (Tensor Average, Tensor Live)[] pairs;
    private readonly (Tensor Average, Tensor Live)[] buffers;
    private readonly Scalar keep;
    private readonly Scalar take;
    private bool disposed;

    /// <summary>Starts an average of <paramref name="network"/> at its current weights.</summary>
    /// <param name="network">The network being trained.</param>
    /// <param name="decay">Weight of the old average at each update, in [0, 1); the average spans about
    /// 1 / (1 - decay) updates.</param>
    public WeightAverage(PlasticNetwork network, double decay)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay must lie in [0, 1).");
        live = network;
        Decay = decay;
        Network = network.DeepCopy();
        Network.eval();
        pairs = Network.parameters().Zip(network.parameters(), (a, l) => ((Tensor)a, (Tensor)l)).ToArray();
        var liveBuffers = network.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        buffers = Network.named_buffers().Select(b => (b.buffer, liveBuffers[b.name])).ToArray();
        keep = decay.ToScalar();
        take = (1 - decay).ToScalar();
    }

    /// <summary>The decay that <see cref="WeightAverage(PlasticNetwork, double)"/> was given.</summary>
    public double Decay { get; }

    /// <summary>The averaged network (in eval mode). Owned by this object; copy it to keep it.</summary>
    public PlasticNetwork Network { get; }

    /// <summary>
    /// The decay whose average spans about <paramref name="steps"/> updates (<c>1 - 1 / steps</c>), with at least
    /// <paramref name="minimumSteps"/>.
    /// </summary>
    public static double DecayForSteps(double steps, double minimumSteps = 1) => 1 - 1 / Math.Max(1, Math.Max(steps, minimumSteps));

    /// <summary>Folds the live network's current weights into the average; call after each optimizer step.</summary>
    public void Update()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        foreach (var (average, weights) in pairs)
        {
            if (average.device.type == DeviceType.CPU && weights.device.type == DeviceType.CPU && average.is_contiguous() && weights.is_contiguous()
                && average.dtype == weights.dtype && average.dtype is ScalarType.Float32 or ScalarType.Float64)
            {
                if (average.dtype == ScalarType.Float32) Blend(Span<float>(average), Span<float>(weights), (float)Decay);
                else Blend(Span<double>(average), Span<double>(weights), Decay);
            }
            else
            {
                average.mul_(keep).add_(weights, take);
            }
        }
        GC.KeepAlive(live);
    }

    /// <summary>Copies the live network's buffers (running statistics) into the average.</summary>
    public void SyncBuffers()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        foreach (var (average, weights) in buffers) average.copy_(weights);
    }

    /// <summary>Releases the averaged network.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Network.Dispose();
        keep.Dispose();
        take.Dispose();
    }

    /// <summary>The memory of a contiguous CPU tensor (a view's own elements: its storage from the view's offset).</summary>
    private static unsafe Span<T> Span<T>(Tensor tensor) where T : unmanaged =>
        new((T*)tensor.storage<T>().data_ptr() + tensor.storage_offset(), checked((int)tensor.numel()));

    /// <summary><c>average = decay * average + (1 - decay) * weights</c>, element by element, vectorized.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blend<T>(Span<T> average, ReadOnlySpan<T> weights, T decay) where T : unmanaged, INumber<T>
    {
        T rest = T.One - decay;
        int i = 0;
        if (Vector.IsHardwareAccelerated && average.Length >= Vector<T>.Count)
        {
            var a = MemoryMarshal.Cast<T, Vector<T>>(average);
            var w = MemoryMarshal.Cast<T, Vector<T>>(weights);
            var d = new Vector<T>(decay);
            var r = new Vector<T>(rest);
            for (int v = 0; v < a.Length; v++) a[v] = d * a[v] + r * w[v];
            i = a.Length * Vector<T>.Count;
        }
        for (; i < average.Length; i++) average[i] = decay * average[i] + rest * weights[i];
    }
}
