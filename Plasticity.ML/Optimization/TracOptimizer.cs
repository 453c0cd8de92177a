using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// TRAC (Muppidi, Zhang and Yang 2024, "Fast TRAC: a parameter-free optimizer for lifelong reinforcement learning",
/// NeurIPS; arXiv 2405.16642): a parameter-free tuner around a base optimizer. The base optimizer runs on its own
/// iterate Delta (starting at 0); the parameters are <c>theta = theta_ref + S Delta</c>, with theta_ref the parameters at
/// the first step and S a scale chosen online by a sum of "erfi" tuners, one per discount beta_j:
/// <code>
/// h_t       = &lt;g_t, Delta_t&gt;
/// v_j      &lt;- beta_j^2 v_j + h_t^2
/// sigma_j  &lt;- beta_j sigma_j - h_t
/// s_j       = s_init / erfi(1 / sqrt 2) * erfi(sigma_j / (sqrt(2 v_j) + eps))
/// theta_t+1 = theta_ref + max(sum_j s_j, 0) Delta_t+1,   Delta_t+1 = Base(Delta_t, g_t)
/// </code>
/// S grows while successive gradients keep pointing along Delta and shrinks when they turn against it, so the distance
/// from theta_ref is tuned without a learning-rate schedule; after a task change it can pull the parameters back toward
/// the reference, which is what preserves plasticity.
/// </summary>
/// <remarks>
/// <para>This is the paper's algorithm with Delta kept explicitly (in the parameters' dtype). The reference code instead
/// recovers Delta from the parameters each step as <c>(theta - theta_ref) / (S + eps)</c>, which shrinks it by
/// <c>S / (S + eps)</c> and, while S is tiny, loses it to float32 rounding. Where something else changed the parameters
/// between steps (a reset, shrink &amp; perturb, clipping, a projection), those coordinates are recovered the reference
/// code's way, so TRAC composes with every intervention.</para>
/// <para>The base optimizer (its kind, learning rate, betas, weight decay) is the one of <see cref="Options"/>; weight
/// decay therefore acts on Delta. Its state, and TRAC's (theta_ref, Delta, the tuners), are exported together for
/// checkpoints; a full <see cref="ResetState()"/> restarts TRAC too, from the parameters of the next step.</para>
/// </remarks>
public sealed class TracOptimizer : IPlasticOptimizer
{
    /// <summary>State buffer name of theta_ref.</summary>
    public const string ReferenceBuffer = "trac_reference";

    /// <summary>State buffer name of Delta.</summary>
    public const string DeltaBuffer = "trac_delta";

    /// <summary>State buffer name of the parameters TRAC last wrote (to see what others changed).</summary>
    public const string WrittenBuffer = "trac_written";

    /// <summary>The extra state entries of the tuners: s_j, v_j and sigma_j.</summary>
    public static IReadOnlyList<string> TunerEntries { get; } = ["trac_s", "trac_variance", "trac_sigma"];

    private static readonly Scalar One = 1.0.ToScalar();
    private readonly IPlasticOptimizer inner;
    private readonly TracOptions trac;
    private readonly double normalizer;
    private Tensor[]? reference;
    private Tensor[]? delta;
    private Tensor[]? written;
    private double[] scales;
    private double[] variances;
    private double[] sigmas;
    private bool disposed;

    /// <summary>Wraps <paramref name="baseOptimizer"/> (it now steps Delta, not the parameters); takes ownership of it.</summary>
    public TracOptimizer(IPlasticOptimizer baseOptimizer, TracOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseOptimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        inner = baseOptimizer;
        trac = options;
        normalizer = options.InitialScale / Erfi.Evaluate(1 / Math.Sqrt(2));
        (scales, variances, sigmas) = FreshTuners();
    }

    /// <summary>The base optimizer that steps Delta.</summary>
    public IPlasticOptimizer Base => inner;

    /// <summary>The TRAC settings.</summary>
    public TracOptions Trac => trac;

    /// <summary>The current scale S = max(sum_j s_j, 0) (0 before the first step).</summary>
    public double Scale => Math.Max(scales.Sum(), 0);

    /// <summary>The tuners' scales s_j, one per beta (a copy).</summary>
    public double[] Scales => (double[])scales.Clone();

    /// <summary>theta_ref, one tensor per parameter, or null before the first step.</summary>
    public IReadOnlyList<Tensor>? Reference => reference;

    /// <summary>The base iterate Delta, one tensor per parameter, or null before the first step.</summary>
    public IReadOnlyList<Tensor>? Delta => delta;

    /// <inheritdoc />
    public OptimizerOptions Options => inner.Options;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => inner.Parameters;

    /// <inheritdoc />
    public double LearningRate
    {
        get => inner.LearningRate;
        set => inner.LearningRate = value;
    }

    /// <inheritdoc />
    public long StepCount => inner.StepCount;

    /// <inheritdoc />
    public void ZeroGrad() => inner.ZeroGrad();

    /// <inheritdoc />
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameters = inner.Parameters;
        if (reference is null) Start(parameters);
        Tensor[] theta0 = reference!, deltas = delta!, lastWritten = written!;

        // Delta_t: TRAC's own, except where another intervention changed the parameters since TRAC wrote them.
        {
            using var denominator = (scales.Sum() + trac.Epsilon).ToScalar();
            for (int i = 0; i < parameters.Count; i++)
            {
                var changed = parameters[i].ne(lastWritten[i]);
                if (!changed.any().item<bool>()) continue;
                var recovered = parameters[i].add(theta0[i], Scalars.MinusOne).div(denominator);
                deltas[i].copy_(where(changed, recovered, deltas[i]));
            }
        }

        double h = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            using var grad = parameters[i].grad;
            if (grad is null) continue;
            var product = deltas[i].to_type(ScalarType.Float64) * grad.to_type(ScalarType.Float64);
            h += product.sum().item<double>();
        }
        if (!double.IsFinite(h)) throw new ArithmeticException($"TRAC: <g, Delta> is {h} at step {StepCount + 1}; a gradient or Delta is not finite.");

        // The base optimizer steps Delta: put it into the parameters, step, read it back.
        for (int i = 0; i < parameters.Count; i++) parameters[i].copy_(deltas[i]);
        inner.Step();
        for (int i = 0; i < parameters.Count; i++) deltas[i].copy_(parameters[i]);

        UpdateTuners(h);
        using var scale = Scale.ToScalar();
        for (int i = 0; i < parameters.Count; i++)
        {
            parameters[i].copy_(theta0[i].add(deltas[i], scale));
            lastWritten[i].copy_(parameters[i]);
        }
    }

    /// <summary>One update of the tuners from <c>h = &lt;g, Delta&gt;</c>.</summary>
    private void UpdateTuners(double h)
    {
        var betas = trac.Betas;
        for (int j = 0; j < betas.Length; j++)
        {
            variances[j] = betas[j] * betas[j] * variances[j] + h * h;
            sigmas[j] = betas[j] * sigmas[j] - h;
            scales[j] = normalizer * Erfi.Evaluate(sigmas[j] / (Math.Sqrt(2 * variances[j]) + trac.Epsilon));
        }
        if (!scales.All(double.IsFinite))
            throw new ArithmeticException($"TRAC's scale became [{string.Join(", ", scales)}] at step {StepCount}: erfi overflowed (the gradients kept agreeing with Delta).");
    }

    private void Start(IReadOnlyList<Parameter> parameters)
    {
        reference = parameters.Select(p => p.DetachedCopy().DetachFromDisposeScope()).ToArray();
        delta = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        written = parameters.Select(p => p.DetachedCopy().DetachFromDisposeScope()).ToArray();
        (scales, variances, sigmas) = FreshTuners();
    }

    private (double[] Scales, double[] Variances, double[] Sigmas) FreshTuners()
    {
        int n = trac.Betas.Length;
        // The reference code starts sigma at 1e-8 (not 0), which gives the first step its small positive scale.
        return (new double[n], new double[n], Enumerable.Repeat(1e-8, n).ToArray());
    }

    /// <inheritdoc />
    public void ResetState()
    {
        inner.ResetState();
        DisposeTrac();
        (scales, variances, sigmas) = FreshTuners();
    }

    /// <inheritdoc />
    public void ResetState(Parameter parameter, long[]? rows = null) => inner.ResetState(parameter, rows);

    /// <inheritdoc />
    public void ResetStateColumns(Parameter parameter, long[] columns) => inner.ResetStateColumns(parameter, columns);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> StateOf(Parameter parameter) => inner.StateOf(parameter);

    /// <inheritdoc />
    public OptimizerState ExportState()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var state = inner.ExportState();
        if (reference is null) return state;
        var parameters = new List<Dictionary<string, float[]>>(state.Parameters.Count);
        for (int i = 0; i < state.Parameters.Count; i++)
        {
            var buffers = new Dictionary<string, float[]>(state.Parameters[i], StringComparer.Ordinal)
            {
                [ReferenceBuffer] = Floats(reference[i]),
                [DeltaBuffer] = Floats(delta![i]),
                [WrittenBuffer] = Floats(written![i]),
            };
            parameters.Add(buffers);
        }
        var extra = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            [TunerEntries[0]] = (double[])scales.Clone(),
            [TunerEntries[1]] = (double[])variances.Clone(),
            [TunerEntries[2]] = (double[])sigmas.Clone(),
        };
        return state with { Parameters = parameters, Extra = extra };
    }

    /// <inheritdoc />
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(disposed, this);
        var parameters = inner.Parameters;
        string[] names = [ReferenceBuffer, DeltaBuffer, WrittenBuffer];
        bool started = state.Parameters.Any(p => p.ContainsKey(ReferenceBuffer));
        var stripped = state with
        {
            Parameters = state.Parameters.Select(p => p.Where(kv => !names.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)).ToList(),
            Extra = new Dictionary<string, double[]>(StringComparer.Ordinal),
        };
        if (started)
        {
            if (state.Parameters.Count != parameters.Count || state.Parameters.Any(p => !names.All(p.ContainsKey)))
                throw new ArgumentException("The optimizer state holds TRAC buffers for some parameters only.");
            foreach (var entry in TunerEntries)
                if (!state.Extra.TryGetValue(entry, out var values) || values.Length != trac.Betas.Length)
                    throw new ArgumentException($"The optimizer state has no TRAC '{entry}' of {trac.Betas.Length} values (one per beta).");
        }
        inner.ImportState(stripped);
        DisposeTrac();
        (scales, variances, sigmas) = FreshTuners();
        if (!started) return;
        using var noGrad = no_grad();
        reference = parameters.Select((p, i) => FromFloats(state.Parameters[i][ReferenceBuffer], p, ReferenceBuffer)).ToArray();
        delta = parameters.Select((p, i) => FromFloats(state.Parameters[i][DeltaBuffer], p, DeltaBuffer)).ToArray();
        written = parameters.Select((p, i) => FromFloats(state.Parameters[i][WrittenBuffer], p, WrittenBuffer)).ToArray();
        scales = (double[])state.Extra[TunerEntries[0]].Clone();
        variances = (double[])state.Extra[TunerEntries[1]].Clone();
        sigmas = (double[])state.Extra[TunerEntries[2]].Clone();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        DisposeTrac();
        inner.Dispose();
    }

    private void DisposeTrac()
    {
        foreach (var t in (reference ?? []).Concat(delta ?? []).Concat(written ?? [])) t.Dispose();
        reference = delta = written = null;
    }

    private static float[] Floats(Tensor t)
    {
        if (t.dtype != ScalarType.Float32)
            throw new NotSupportedException($"Only float32 optimizer state can be exported; TRAC's state is {t.dtype}.");
        return t.ToFloatArray();
    }

    private static Tensor FromFloats(float[] values, Parameter parameter, string name)
    {
        if (values.Length != parameter.numel())
            throw new ArgumentException($"The TRAC state '{name}' holds {values.Length} values but the parameter has {parameter.numel()}.");
        using var source = tensor(values, parameter.shape);
        return source.to(parameter.dtype, parameter.device).DetachFromDisposeScope();
    }
}
