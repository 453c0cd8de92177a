using TorchSharp;

namespace Plasticity.ML.Networks;

/// <summary>
/// A module in evaluation mode until this is disposed, then back in the mode it was in: a measurement (probe, panel,
/// rank, churn) sees the network as it predicts, with normalization statistics frozen and dropout off, and leaves the
/// training it looks at undisturbed. <c>using var mode = EvaluationMode.Enter(network);</c>
/// </summary>
internal readonly struct EvaluationMode : IDisposable
{
    private readonly torch.nn.Module module;
    private readonly bool wasTraining;

    private EvaluationMode(torch.nn.Module module, bool wasTraining)
    {
        this.module = module;
        this.wasTraining = wasTraining;
    }

    /// <summary>Puts <paramref name="module"/> in evaluation mode, remembering the mode it was in.</summary>
    public static EvaluationMode Enter(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var mode = new EvaluationMode(module, module.training);
        module.eval();
        return mode;
    }

    /// <summary>Puts the module back in training mode if it was in it.</summary>
    public void Dispose()
    {
        if (wasTraining) module.train();
    }
}
