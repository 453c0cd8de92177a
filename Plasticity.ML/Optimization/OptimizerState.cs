namespace Plasticity.ML.Optimization;

/// <summary>
/// A plain, serializable copy of an optimizer's state: its step count and, for each parameter in the optimizer's
/// order, the named state buffers ("exp_avg" and "exp_avg_sq" for Adam/AdamW, "momentum_buffer" for SGD with
/// momentum, "square_avg" plus "grad_avg" when centered and "momentum_buffer" with momentum for RMSProp) as flat
/// float32 arrays in the parameter's row-major layout. Made by
/// <see cref="IPlasticOptimizer.ExportState"/> and restored by <see cref="IPlasticOptimizer.ImportState"/>, so that
/// training can be resumed later (or in another process) exactly where it stopped.
/// </summary>
/// <remarks>
/// The arrays are copies: changing them changes neither the optimizer they came from nor one they were imported into.
/// A parameter's dictionary is empty when the optimizer holds no state for it (before the first step, or for SGD
/// without momentum). The learning rate is not part of the state: it belongs to the options and schedules.
/// </remarks>
public sealed record OptimizerState
{
    /// <summary>The kind of optimizer the state belongs to.</summary>
    public OptimizerKind Kind { get; init; }

    /// <summary>Number of steps taken (it sets Adam's bias corrections).</summary>
    public long StepCount { get; init; }

    /// <summary>Per parameter, in the optimizer's parameter order: state buffer name to its values.</summary>
    public List<Dictionary<string, float[]>> Parameters { get; init; } = [];

    /// <summary>
    /// State that belongs to no single parameter, by name, in float64 (TRAC's tuners: <c>trac_s</c>,
    /// <c>trac_variance</c>, <c>trac_sigma</c>); empty for the plain optimizers.
    /// </summary>
    public Dictionary<string, double[]> Extra { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The names of the state buffers an optimizer with <paramref name="options"/> keeps per parameter.</summary>
    public static IReadOnlyList<string> BufferNamesFor(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            OptimizerKind.Sgd when options.Momentum != 0 => ["momentum_buffer"],
            OptimizerKind.Sgd => [],
            OptimizerKind.RmsProp => [
                "square_avg",
                .. options.Centered ? new[] { "grad_avg" } : [],
                .. options.Momentum != 0 ? new[] { "momentum_buffer" } : []],
            _ => ["exp_avg", "exp_avg_sq"],
        };
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless this state fits an optimizer of kind <paramref name="kind"/> over
    /// parameters with <paramref name="elementCounts"/> elements each, holding buffers named
    /// <paramref name="bufferNames"/> (every parameter's dictionary holds all of them, or none when nothing was
    /// stepped yet).
    /// </summary>
    public void Validate(OptimizerKind kind, IReadOnlyList<long> elementCounts, IReadOnlyCollection<string> bufferNames)
    {
        ArgumentNullException.ThrowIfNull(elementCounts);
        ArgumentNullException.ThrowIfNull(bufferNames);
        if (Kind != kind)
            throw new ArgumentException($"The optimizer state belongs to a {Kind} optimizer and cannot be imported into a {kind} optimizer.");
        if (StepCount < 0) throw new ArgumentException($"The optimizer state's step count is negative ({StepCount}).");
        if (Parameters is null || Parameters.Count != elementCounts.Count)
            throw new ArgumentException($"The optimizer state holds {Parameters?.Count ?? 0} parameter(s) but the optimizer updates {elementCounts.Count}.");
        for (int i = 0; i < Parameters.Count; i++)
        {
            var buffers = Parameters[i] ?? throw new ArgumentException($"The optimizer state of parameter {i} is null.");
            if (buffers.Count == 0) continue;
            if (StepCount == 0)
                throw new ArgumentException($"The optimizer state holds buffers for parameter {i} but no steps; an optimizer has no state before its first step.");
            if (buffers.Count != bufferNames.Count || !bufferNames.All(buffers.ContainsKey))
                throw new ArgumentException(
                    $"The optimizer state of parameter {i} holds [{string.Join(", ", buffers.Keys)}] but a {kind} optimizer keeps [{string.Join(", ", bufferNames)}].");
            foreach (var (name, values) in buffers)
            {
                if (values is null || values.Length != elementCounts[i])
                    throw new ArgumentException(
                        $"The optimizer state '{name}' of parameter {i} holds {values?.Length ?? 0} values but the parameter has {elementCounts[i]} elements.");
                foreach (float v in values)
                    if (!float.IsFinite(v))
                        throw new ArgumentException($"The optimizer state '{name}' of parameter {i} holds {v}; refusing to resume from it.");
            }
        }
    }
}
