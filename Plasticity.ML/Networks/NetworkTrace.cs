using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// Everything one forward pass computed: each hidden layer's pre-activation and activation, and the raw output.
/// Owns its tensors; dispose it when done.
/// </summary>
public sealed class NetworkTrace : IDisposable
{
    internal NetworkTrace(IReadOnlyList<Tensor> preActivations, IReadOnlyList<Tensor> activations, Tensor output)
    {
        PreActivations = preActivations;
        Activations = activations;
        Output = output;
    }

    /// <summary>Per hidden layer, the input of the activation: <c>[N, units]</c> or <c>[N, channels, h, w]</c>.</summary>
    public IReadOnlyList<Tensor> PreActivations { get; }

    /// <summary>Per hidden layer, the output of the activation.</summary>
    public IReadOnlyList<Tensor> Activations { get; }

    /// <summary>The raw network output.</summary>
    public Tensor Output { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in PreActivations) t.Dispose();
        foreach (var t in Activations) t.Dispose();
        Output.Dispose();
    }
}
