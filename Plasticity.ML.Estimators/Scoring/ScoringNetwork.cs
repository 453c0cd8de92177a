using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Scoring;

/// <summary>Turns one row of a network's decoded outputs into the floats a model reports for that row.</summary>
/// <param name="decoded">The network's <see cref="PlasticNetwork.Predict"/> output for the row.</param>
/// <param name="output">The row's slice of the caller's output buffer.</param>
internal delegate void RowOutputMapper(ReadOnlySpan<float> decoded, Span<float> output);

/// <summary>
/// A trained network that ML.NET scores: it owns the network (in eval mode, never modified), tells the garbage collector
/// how much native memory it holds, frees it when disposed or finalized, and runs thread-safe forward passes over blocks
/// of feature rows. What the supervised models (<see cref="PlasticNeuralNetworkModelParameters"/>) and the exported
/// Q-networks (<see cref="Reinforcement.QNetworkModelParameters"/>) share.
/// </summary>
/// <remarks>
/// Memory: the weights live in native (libtorch) memory. <see cref="Dispose"/> frees them at once; a network that is
/// never disposed frees them when the garbage collector finalizes it, and it reports its native bytes
/// (<see cref="GC.AddMemoryPressure"/>), so a service that re-creates models and simply drops the old ones keeps steady
/// memory (tests/Plasticity.ML.Estimators.Tests/MemoryTests.cs).
/// </remarks>
internal sealed class ScoringNetwork : IDisposable
{
    private readonly PlasticNetwork network;
    private readonly long nativeBytes;
    private int disposed;

    /// <summary>Takes ownership of <paramref name="network"/> and puts it in eval mode.</summary>
    public ScoringNetwork(PlasticNetwork network)
    {
        this.network = network;
        network.eval();
        // The frozen heads of a plasticity injection are not in the network's state_dict: count them too.
        var frozen = network.Injection is { } injection ? injection.FrozenHeads.Concat(injection.FrozenCopies) : [];
        nativeBytes = Math.Max(1, frozen.Prepend(network).Sum(n => n.state_dict().Values.Sum(t => t.NumberOfElements * t.ElementSize)));
        GC.AddMemoryPressure(nativeBytes);
    }

    /// <summary>Frees the native memory of a network nobody disposed.</summary>
    ~ScoringNetwork() => Release();

    /// <summary>The network's spec.</summary>
    public NetworkSpec Spec => network.Spec;

    /// <summary>Floats per input row.</summary>
    public int InputSize => network.Spec.InputSize;

    /// <summary>Floats per row of <see cref="PlasticNetwork.Predict"/>'s output.</summary>
    public int DecodedWidth => network.Spec.Head.Outputs;

    /// <summary>An independent copy of the network (for analysis or further training); the caller owns it.</summary>
    public PlasticNetwork CopyNetwork()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        var copy = network.DeepCopy();
        GC.KeepAlive(this);
        return copy;
    }

    /// <summary>Runs <paramref name="write"/> on the network (to save it), keeping it alive meanwhile.</summary>
    public void Write(Action<PlasticNetwork> write)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        write(network);
        GC.KeepAlive(this);
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows of features (row-major, <see cref="InputSize"/> each) through the network with
    /// one forward pass and hands each row's decoded output (<see cref="PlasticNetwork.Predict"/>: regression values,
    /// class logits, or the expectations of a categorical head) to <paramref name="map"/>, which fills that row's
    /// <paramref name="outputWidth"/> floats of <paramref name="outputs"/>. One row or many run the same code.
    /// </summary>
    /// <param name="features">The rows of features.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="inputDivisor">Every feature is divided by it on its way into the network (1: used as given); the
    /// float division the agents use to scale observation bytes, so that the results match theirs bit for bit.</param>
    /// <param name="outputs">The caller's output buffer.</param>
    /// <param name="outputWidth">Floats per row of <paramref name="outputs"/>.</param>
    /// <param name="map">Fills one row of outputs from the row's decoded network output.</param>
    /// <remarks>Thread-safe: the network is in eval mode and only read, and TorchSharp's dispose scopes and grad mode are
    /// per thread.</remarks>
    public unsafe void Score(ReadOnlySpan<float> features, int rows, float inputDivisor, Span<float> outputs, int outputWidth, RowOutputMapper map)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        int d = InputSize, k = outputWidth;
        if (features.Length < rows * d || outputs.Length < rows * k)
            throw new ArgumentException($"Buffers too small for {rows} rows: {features.Length} features, {outputs.Length} outputs.");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = empty([rows, d], ScalarType.Float32);
        var input = new Span<float>((void*)x.storage<float>().data_ptr(), rows * d);
        features[..(rows * d)].CopyTo(input);
        if (inputDivisor != 1f)
            for (int i = 0; i < input.Length; i++) input[i] /= inputDivisor;
        var y = network.Predict(x).contiguous();
        int width = (int)y.shape[1];
        var values = new ReadOnlySpan<float>((float*)y.storage<float>().data_ptr() + y.storage_offset(), rows * width);
        for (int r = 0; r < rows; r++)
            map(values.Slice(r * width, width), outputs.Slice(r * k, k));
        // The finalizer disposes the network: keep this object alive until the forward pass is done.
        GC.KeepAlive(this);
    }

    /// <summary>Releases the network's native memory. Do not use it afterwards.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        // Release the weights deterministically here rather than leave them to the finalizers of TorchSharp's own objects,
        // whose order and timing are not ours to rely on.
        network.Dispose();
        GC.RemoveMemoryPressure(nativeBytes);
    }
}
