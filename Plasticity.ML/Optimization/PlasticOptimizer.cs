using TorchSharp;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Optimization;

/// <summary>
/// SGD (momentum, Nesterov, coupled weight decay), Adam (coupled weight decay, optional epsilon inside the square
/// root), AdamW and RMSProp (centered or not, momentum, coupled weight decay), with state tensors addressable per
/// parameter and per row. Matches <c>torch.optim</c>'s update rules.
/// </summary>
/// <remarks>
/// <para>
/// Why it is fast: at construction every parameter is re-pointed (<c>set_</c>) into one flat contiguous buffer, and
/// its <c>.grad</c> is set to a view of a second flat buffer, into which autograd then accumulates in place. The
/// moments live in flat buffers of the same layout. On the CPU a step is then one fused, vectorized pass over those
/// buffers (<see cref="FusedUpdate"/>), whatever the number of parameter tensors, instead of about ten tensor
/// operations per tensor; on other devices it is a handful of tensor operations over the flat buffers (Adam: six).
/// Per-parameter state (<see cref="StateOf"/>) are views of the flat buffers shaped like the parameter, so zeroing a
/// row of a view zeroes the optimizer's real state.
/// </para>
/// <para>
/// If a gradient was detached from the flat buffer between <see cref="ZeroGrad"/> and <see cref="Step"/> (for
/// example by <c>Module.zero_grad()</c>, which sets gradients to none), <see cref="Step"/> copies it back in and
/// re-attaches the view, so results stay correct. A parameter that received no gradient at all is updated with a zero
/// gradient (its moments still decay), where <c>torch.optim</c> would skip it.
/// </para>
/// <para>All parameters must share one dtype and device (true of every network Plasticity.ML builds).</para>
/// </remarks>
public sealed unsafe class PlasticOptimizer : IPlasticOptimizer
{
    private static readonly IReadOnlyDictionary<string, Tensor> NoState = new Dictionary<string, Tensor>();

    // Static, so never finalized while libtorch reads them.
    private static readonly Scalar Zero = 0.0.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();

    private readonly Parameter[] parameters;
    private readonly Dictionary<Parameter, int> indexOf = new(ReferenceEqualityComparer.Instance);
    private readonly long[] offsets;
    private readonly Tensor flatParameters;
    private readonly Tensor flatGradients;
    private readonly Tensor[] gradientViews;
    private readonly IntPtr gradientStorage;
    private readonly IntPtr parameterStorage;
    private readonly (string Name, Tensor Flat)[] stateBuffers;
    private readonly IntPtr[] stateStorage;
    private readonly bool onCpu;
    private readonly Dictionary<string, Tensor>[] stateViews;
    private bool disposed;

    /// <summary>Creates an optimizer over <paramref name="parameters"/>, moving them into its flat buffer.</summary>
    /// <exception cref="ArgumentException">No parameters, a parameter listed twice, or mixed dtypes/devices.</exception>
    public PlasticOptimizer(IEnumerable<Parameter> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        LearningRate = options.LearningRate;
        this.parameters = parameters.ToArray();
        if (this.parameters.Length == 0) throw new ArgumentException("The optimizer needs at least one parameter.", nameof(parameters));
        var dtype = this.parameters[0].dtype;
        var device = this.parameters[0].device;
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"Parameters must be float32 or float64; got {dtype}.", nameof(parameters));
        offsets = new long[this.parameters.Length + 1];
        for (int i = 0; i < this.parameters.Length; i++)
        {
            var p = this.parameters[i];
            if (!indexOf.TryAdd(p, i)) throw new ArgumentException($"Parameter {i} is listed twice.", nameof(parameters));
            if (p.dtype != dtype || p.device.type != device.type || p.device.index != device.index)
                throw new ArgumentException($"Parameter {i} is {p.dtype} on {p.device} but parameter 0 is {dtype} on {device}; all must match.", nameof(parameters));
            offsets[i + 1] = offsets[i] + p.numel();
        }

        long total = offsets[^1];
        using (no_grad())
        {
            flatParameters = empty(total, dtype, device).DetachFromDisposeScope();
            flatGradients = zeros(total, dtype, device).DetachFromDisposeScope();
            gradientViews = new Tensor[this.parameters.Length];
            for (int i = 0; i < this.parameters.Length; i++)
            {
                var p = this.parameters[i];
                using (var view = ViewOf(flatParameters, i))
                {
                    view.copy_(p);
                    p.set_(view);
                }
                gradientViews[i] = ViewOf(flatGradients, i);
                using (var existing = p.grad)
                {
                    if (existing is not null) gradientViews[i].copy_(existing);
                }
                p.grad = gradientViews[i];
            }
        }
        gradientStorage = StorageAddress(flatGradients);
        parameterStorage = StorageAddress(flatParameters);

        var names = OptimizerState.BufferNamesFor(options);
        stateBuffers = names.Select(n => (n, zeros(total, dtype, device).DetachFromDisposeScope())).ToArray();
        stateStorage = stateBuffers.Select(b => StorageAddress(b.Flat)).ToArray();
        onCpu = device.type == DeviceType.CPU;
        UseFusedUpdate = onCpu;
        stateViews = new Dictionary<string, Tensor>[this.parameters.Length];
        for (int i = 0; i < this.parameters.Length; i++)
        {
            stateViews[i] = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, flat) in stateBuffers) stateViews[i][name] = ViewOf(flat, i);
        }
    }

    /// <inheritdoc />
    public OptimizerOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => parameters;

    /// <inheritdoc />
    public double LearningRate { get; set; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>
    /// Whether <see cref="Step"/> runs the fused single-pass update (<see cref="FusedUpdate"/>; CPU only, the default
    /// there) or the equivalent sequence of tensor operations (any device). Exposed so tests and benchmarks can compare them.
    /// </summary>
    internal bool UseFusedUpdate
    {
        get => useFusedUpdate;
        set => useFusedUpdate = value && onCpu;
    }

    private bool useFusedUpdate;

    /// <inheritdoc />
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        flatGradients.zero_();
        EnsureGradientsAttached(copyDetached: false);
    }

    /// <inheritdoc />
    public void Step()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        EnsureParametersAttached();
        EnsureGradientsAttached(copyDetached: true);
        StepCount++;
        if (useFusedUpdate)
        {
            if (flatParameters.dtype == ScalarType.Float64) FusedStep<double>();
            else FusedStep<float>();
            return;
        }
        using var scope = NewDisposeScope();
        if (Options.Kind == OptimizerKind.Sgd) SgdStep();
        else if (Options.Kind == OptimizerKind.RmsProp) RmsPropStep();
        else AdamStep();
    }

    /// <summary>
    /// The Euclidean norm of all gradients together, read from the flat gradient buffer in one operation (gradient
    /// clipping; see <see cref="Training.GradientClippingHook"/>).
    /// </summary>
    internal double GradientNorm()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        EnsureGradientsAttached(copyDetached: true);
        using var norm = flatGradients.norm();
        return norm.dtype == ScalarType.Float64 ? norm.item<double>() : norm.item<float>();
    }

    /// <summary>Multiplies every gradient by <paramref name="factor"/> in one operation on the flat buffer.</summary>
    internal void ScaleGradients(double factor)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        EnsureGradientsAttached(copyDetached: true);
        using var scale = factor.ToScalar();
        flatGradients.mul_(scale);
    }

    private void FusedStep<T>() where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var o = Options;
        long n = offsets[^1];
        int threads = TorchThreads.Current;
        T* p = (T*)parameterStorage, g = (T*)gradientStorage;
        if (o.Kind == OptimizerKind.Sgd)
        {
            T* buffer = stateStorage.Length > 0 ? (T*)stateStorage[0] : null;
            FusedUpdate.Sgd(p, g, buffer, n, new SgdScalars(LearningRate, o.Momentum, o.Nesterov, o.WeightDecay), threads);
            return;
        }
        if (o.Kind == OptimizerKind.RmsProp)
        {
            var rms = new RmsPropScalars(LearningRate, o.Alpha, o.Momentum, o.WeightDecay, o.EpsilonInsideSqrt, o.Epsilon);
            FusedUpdate.RmsProp(p, g, (T*)StateStorage("square_avg"), (T*)StateStorage("grad_avg"), (T*)StateStorage("momentum_buffer"), n, rms, threads);
            return;
        }
        var (bias1, bias2) = BiasCorrections();
        double rootBias2 = Math.Sqrt(bias2);
        bool decoupled = o.Kind == OptimizerKind.AdamW;
        var scalars = new AdamScalars(
            o.Beta1, o.Beta2,
            CoupledDecay: decoupled ? 0 : o.WeightDecay,
            DecoupledScale: decoupled ? 1 - LearningRate * o.WeightDecay : 1,
            EpsilonInside: o.EpsilonInsideSqrt * bias2,
            EpsilonOutside: o.Epsilon * rootBias2,
            StepSize: LearningRate * rootBias2 / bias1);
        FusedUpdate.Adam(p, g, (T*)stateStorage[0], (T*)stateStorage[1], n, scalars, threads);
    }

    /// <summary>The storage address of the named state buffer, or zero when the optimizer keeps no such buffer.</summary>
    private IntPtr StateStorage(string name)
    {
        for (int i = 0; i < stateBuffers.Length; i++)
            if (stateBuffers[i].Name == name) return stateStorage[i];
        return IntPtr.Zero;
    }

    private (double Bias1, double Bias2) BiasCorrections() =>
        (1 - Math.Pow(Options.Beta1, StepCount), 1 - Math.Pow(Options.Beta2, StepCount));

    // The tensor paths below (used when the fused path is off, e.g. on CUDA) compute exactly what TorchSharp's
    // operators would, with every Scalar held by a using for the whole step: a Scalar made from a plain number is
    // unreachable while libtorch reads it, and a collection on another thread can free it (see BannedSymbols.txt).
    private void SgdStep()
    {
        // Holds the step's temporaries (g + decay, sqrt(v), ...) until the step is done, and then frees them.
        using var scope = NewDisposeScope();
        var o = Options;
        using var weightDecay = o.WeightDecay.ToScalar();
        using var momentum = o.Momentum.ToScalar();
        using var negativeRate = (-LearningRate).ToScalar();
        var g = o.WeightDecay != 0 ? flatGradients.add(flatParameters, alpha: weightDecay) : flatGradients;
        if (o.Momentum != 0)
        {
            // torch initialises the buffer to the first gradient; a zero buffer gives exactly that (0 * m + g = g),
            // and the same holds after a reset, so no first-step special case is needed.
            var buffer = stateBuffers[0].Flat;
            buffer.mul_(momentum).add_(g, Scalars.One);
            g = o.Nesterov ? g.add(buffer, alpha: momentum) : buffer;
        }
        flatParameters.add_(g, alpha: negativeRate);
    }

    private void AdamStep()
    {
        // Holds the step's temporaries (g + decay, sqrt(v), ...) until the step is done, and then frees them.
        using var scope = NewDisposeScope();
        var o = Options;
        var m = stateBuffers[0].Flat;
        var v = stateBuffers[1].Flat;
        var g = flatGradients;
        if (o.Kind == OptimizerKind.AdamW)
        {
            using var decay = (1 - LearningRate * o.WeightDecay).ToScalar();
            if (o.WeightDecay != 0) flatParameters.mul_(decay);
        }
        else if (o.WeightDecay != 0)
        {
            using var weightDecay = o.WeightDecay.ToScalar();
            g = flatGradients.add(flatParameters, alpha: weightDecay);
        }
        using var beta1 = o.Beta1.ToScalar();
        using var beta2 = o.Beta2.ToScalar();
        using var oneMinusBeta1 = (1 - o.Beta1).ToScalar();
        using var oneMinusBeta2 = (1 - o.Beta2).ToScalar();
        m.mul_(beta1).add_(g, alpha: oneMinusBeta1);
        v.mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
        var (bias1, bias2) = BiasCorrections();
        double rootBias2 = Math.Sqrt(bias2);
        // m_hat / (sqrt(v_hat [+ epsBar]) + eps) rewritten with the bias corrections folded into scalars, so the
        // elementwise work is one pass fewer: sqrt(bias2) * m / (sqrt(v [+ epsBar * bias2]) + eps * sqrt(bias2)) / bias1.
        using var epsilonInside = (o.EpsilonInsideSqrt * bias2).ToScalar();
        using var epsilonOutside = (o.Epsilon * rootBias2).ToScalar();
        using var stepSize = (-LearningRate * rootBias2 / bias1).ToScalar();
        var denominator = o.EpsilonInsideSqrt != 0 ? v.add(epsilonInside, Scalars.One).sqrt_() : v.sqrt();
        denominator.add_(epsilonOutside, Scalars.One);
        flatParameters.addcdiv_(m, denominator, value: stepSize);
    }

    private Tensor? StateBuffer(string name) => stateBuffers.FirstOrDefault(b => b.Name == name).Flat;

    /// <summary>RMSProp as tensor operations over the flat buffers (torch.optim.RMSprop's order of operations).</summary>
    private void RmsPropStep()
    {
        // Holds the step's temporaries (g + decay, sqrt(v), ...) until the step is done, and then frees them.
        using var scope = NewDisposeScope();
        var o = Options;
        using var alpha = o.Alpha.ToScalar();
        using var oneMinusAlpha = (1 - o.Alpha).ToScalar();
        using var minusOne = (-1.0).ToScalar();
        using var epsilonInside = o.EpsilonInsideSqrt.ToScalar();
        using var epsilon = o.Epsilon.ToScalar();
        using var minusLearningRate = (-LearningRate).ToScalar();
        var g = flatGradients;
        if (o.WeightDecay != 0)
        {
            using var decay = o.WeightDecay.ToScalar();
            g = flatGradients.add(flatParameters, decay);
        }
        var squareAverage = StateBuffer("square_avg")!;
        squareAverage.mul_(alpha).addcmul_(g, g, oneMinusAlpha);
        Tensor average;
        if (StateBuffer("grad_avg") is { } gradientAverage)
        {
            gradientAverage.mul_(alpha).add_(g, oneMinusAlpha);
            // E[g^2] - E[g]^2 is never negative in exact arithmetic; clamping at 0 keeps a rounding error from making NaN.
            average = squareAverage.addcmul(gradientAverage, gradientAverage, minusOne).clamp_min_(Zero);
        }
        else
        {
            average = squareAverage.clone();
        }
        if (o.EpsilonInsideSqrt != 0) average.add_(epsilonInside, One);
        average.sqrt_().add_(epsilon, One);
        if (StateBuffer("momentum_buffer") is { } momentumBuffer)
        {
            using var momentum = o.Momentum.ToScalar();
            momentumBuffer.mul_(momentum).addcdiv_(g, average, One);
            flatParameters.add_(momentumBuffer, minusLearningRate);
        }
        else
        {
            flatParameters.addcdiv_(g, average, minusLearningRate);
        }
    }

    /// <inheritdoc />
    public void ResetState()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = no_grad();
        foreach (var (_, flat) in stateBuffers) flat.zero_();
        StepCount = 0;
    }

    /// <inheritdoc />
    public void ResetState(Parameter parameter, long[]? rows = null)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!indexOf.TryGetValue(parameter, out int i))
            throw new ArgumentException("The parameter is not updated by this optimizer.", nameof(parameter));
        if (rows is not null && rows.Length == 0) return;
        long units = parameter.dim() == 0 ? 1 : parameter.shape[0];
        if (rows is not null)
        {
            foreach (long r in rows)
                if (r < 0 || r >= units)
                    throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside the parameter's {units} rows.");
        }
        using var noGrad = no_grad();
        using var index = rows is null ? null : tensor(rows, device: parameter.device);
        foreach (var view in stateViews[i].Values)
        {
            if (index is null) view.zero_();
            else view.index_fill_(0, index, Scalars.Zero);
        }
    }

    /// <inheritdoc />
    public void ResetStateColumns(Parameter parameter, long[] columns)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(columns);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!indexOf.TryGetValue(parameter, out int i))
            throw new ArgumentException("The parameter is not updated by this optimizer.", nameof(parameter));
        if (parameter.dim() < 2) throw new ArgumentException($"A parameter of {parameter.dim()} dimension(s) has no columns.", nameof(parameter));
        if (columns.Length == 0) return;
        long width = parameter.shape[1];
        foreach (long c in columns)
            if (c < 0 || c >= width)
                throw new ArgumentOutOfRangeException(nameof(columns), $"Column {c} is outside the parameter's {width} columns.");
        using var noGrad = no_grad();
        using var index = tensor(columns, device: parameter.device);
        foreach (var view in stateViews[i].Values) view.index_fill_(1, index, Scalars.Zero);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> StateOf(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return StepCount > 0 && indexOf.TryGetValue(parameter, out int i) ? stateViews[i] : NoState;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // The parameters keep their storage alive; only our own handles go.
        foreach (var views in stateViews)
            foreach (var view in views.Values) view.Dispose();
        foreach (var (_, flat) in stateBuffers) flat.Dispose();
        foreach (var view in gradientViews) view.Dispose();
        flatGradients.Dispose();
        flatParameters.Dispose();
    }

    private Tensor ViewOf(Tensor flat, int i)
    {
        // The slice is held until view returns: outside a dispose scope nothing else references it during the native call,
        // and its finalizer could free it mid-call (a SIGSEGV in view under heavy finalization; see MemoryTests).
        using var slice = flat.narrow(0, offsets[i], offsets[i + 1] - offsets[i]);
        return slice.view(parameters[i].shape).DetachFromDisposeScope();
    }

    /// <summary>
    /// Makes every <c>.grad</c> the optimizer's view again. A gradient someone replaced (e.g. <c>Module.zero_grad()</c>
    /// sets it to none; backward then allocates a fresh one) is copied into the flat buffer first when
    /// <paramref name="copyDetached"/>; a missing one leaves zeros.
    /// </summary>
    private void EnsureGradientsAttached(bool copyDetached)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            using var g = p.grad;
            if (g is not null && StorageAddress(g) == gradientStorage && g.storage_offset() == offsets[i]) continue;
            if (g is not null && copyDetached) gradientViews[i].copy_(g);
            else gradientViews[i].zero_();
            p.grad = gradientViews[i];
        }
    }

    /// <summary>Throws if a parameter no longer lives in the flat buffer (someone re-pointed it with <c>set_</c>).</summary>
    private void EnsureParametersAttached()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (StorageAddress(parameters[i]) != parameterStorage || parameters[i].storage_offset() != offsets[i])
                throw new InvalidOperationException(
                    $"Parameter {i} was moved out of the optimizer's buffer (its storage was replaced); update it in place (copy_) instead, or create a new optimizer.");
        }
    }

    private static IntPtr StorageAddress(Tensor t) =>
        t.dtype == ScalarType.Float64 ? t.storage<double>().data_ptr() : t.storage<float>().data_ptr();

    // ---- Export and import of the whole state, to resume training later or elsewhere. Written against StateOf and
    // StepCount only, so it does not depend on how the step kernel lays out its buffers.

    /// <inheritdoc />
    public OptimizerState ExportState()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var perParameter = new List<Dictionary<string, float[]>>(parameters.Length);
        foreach (var p in parameters)
        {
            var buffers = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var (name, view) in StateOf(p)) buffers[name] = CopyToArray(view);
            perParameter.Add(buffers);
        }
        return new OptimizerState { Kind = Options.Kind, StepCount = StepCount, Parameters = perParameter };
    }

    /// <inheritdoc />
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(disposed, this);
        state.Validate(Options.Kind, parameters.Select(p => p.numel()).ToArray(), OptimizerState.BufferNamesFor(Options));
        ResetState();
        if (state.StepCount == 0) return;
        // StateOf exposes the views once at least one step was counted; a parameter without buffers keeps zeros.
        StepCount = state.StepCount;
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++)
        {
            var views = StateOf(parameters[i]);
            foreach (var (name, values) in state.Parameters[i])
            {
                using var source = tensor(values, parameters[i].shape);
                views[name].copy_(source);
            }
        }
    }

    /// <summary>A float32 copy of a state tensor; float64 state cannot be exported to float32 arrays without loss.</summary>
    private static float[] CopyToArray(Tensor view)
    {
        if (view.dtype != ScalarType.Float32)
            throw new NotSupportedException($"Only float32 optimizer state can be exported; this optimizer's state is {view.dtype}.");
        return view.ToFloatArray();
    }
}
