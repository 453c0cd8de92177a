using TorchSharp.Modules;

namespace Plasticity.ML.Optimization;

/// <summary>Creates optimizers from <see cref="OptimizerOptions"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>Creates the optimizer described by <paramref name="options"/> over <paramref name="parameters"/>.</summary>
    public static IPlasticOptimizer Create(OptimizerOptions options, IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Implementation switch
        {
            OptimizerImplementation.TorchSharp => new TorchSharpOptimizer(parameters, options),
            _ => new PlasticOptimizer(parameters, options),
        };
    }
}
