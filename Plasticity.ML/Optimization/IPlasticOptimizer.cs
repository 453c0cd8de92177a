using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// An optimizer over a fixed list of parameters whose state interventions can inspect and reset: all of it
/// (optimizer-state reset), one parameter, or chosen rows of one parameter (the units ReDo recycles).
/// </summary>
public interface IPlasticOptimizer : IDisposable
{
    /// <summary>The settings it was built from.</summary>
    OptimizerOptions Options { get; }

    /// <summary>The parameters it updates, in order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The current step size (schedules may change it).</summary>
    double LearningRate { get; set; }

    /// <summary>Number of steps taken since creation or the last full <see cref="ResetState()"/>.</summary>
    long StepCount { get; }

    /// <summary>Clears the gradients of all parameters.</summary>
    void ZeroGrad();

    /// <summary>Applies one update from the current gradients.</summary>
    void Step();

    /// <summary>Forgets all state (moments, momentum, step count), as if freshly created.</summary>
    void ResetState();

    /// <summary>
    /// Zeroes the state of one parameter, or only of the given rows (indices along dimension 0, i.e. units) when
    /// <paramref name="rows"/> is not null. Throws <see cref="NotSupportedException"/> if the implementation cannot.
    /// </summary>
    void ResetState(Parameter parameter, long[]? rows = null);

    /// <summary>
    /// Zeroes the state of the given columns (indices along dimension 1, i.e. the input units or channels a
    /// weight reads) of one parameter: the outgoing weights of units that ReDo or continual backprop recycle.
    /// Throws <see cref="NotSupportedException"/> if the implementation cannot.
    /// </summary>
    void ResetStateColumns(Parameter parameter, long[] columns) =>
        throw new NotSupportedException($"{GetType().Name} cannot reset the state of single columns.");

    /// <summary>
    /// The named state tensors of one parameter (e.g. "exp_avg", "exp_avg_sq", "momentum_buffer"), each the shape of
    /// the parameter; empty before the first step or when the implementation does not expose state.
    /// </summary>
    IReadOnlyDictionary<string, Tensor> StateOf(Parameter parameter);

    /// <summary>
    /// A copy of the optimizer's whole state (step count and every parameter's state buffers), to resume training
    /// later with <see cref="ImportState"/>. Throws <see cref="NotSupportedException"/> if the implementation cannot.
    /// </summary>
    OptimizerState ExportState() =>
        throw new NotSupportedException($"{GetType().Name} cannot export its state.");

    /// <summary>
    /// Replaces the optimizer's whole state with <paramref name="state"/> (from <see cref="ExportState"/> of an
    /// optimizer of the same kind over parameters of the same sizes), so the next <see cref="Step"/> continues exactly
    /// where that optimizer stopped. Throws <see cref="ArgumentException"/> if the state does not fit, and
    /// <see cref="NotSupportedException"/> if the implementation cannot import state.
    /// </summary>
    void ImportState(OptimizerState state) =>
        throw new NotSupportedException($"{GetType().Name} cannot import state.");
}
