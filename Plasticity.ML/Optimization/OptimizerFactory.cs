using TorchSharp.Modules;

namespace Plasticity.ML.Optimization;

/// <summary>Creates optimizers from <see cref="OptimizerOptions"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>
    /// Creates the optimizer described by <paramref name="options"/> over <paramref name="parameters"/>: the plain
    /// optimizer, wrapped in a <see cref="TracOptimizer"/> when <see cref="OptimizerOptions.Trac"/> is set.
    /// </summary>
    public static IPlasticOptimizer Create(OptimizerOptions options, IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(options);
        IPlasticOptimizer optimizer = options.Implementation switch
        {
            OptimizerImplementation.TorchSharp => new TorchSharpOptimizer(parameters, options),
            _ => new PlasticOptimizer(parameters, options),
        };
        return options.Trac is null ? optimizer : new TracOptimizer(optimizer, options.Trac);
    }
}
