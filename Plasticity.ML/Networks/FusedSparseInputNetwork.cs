using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// The whole forward and backward pass of a network of MinAtar's shape, as one autograd node: a sparse-input
/// convolution (<see cref="SparseInputConvolution"/>), then fully connected layers, every hidden layer with ReLU and
/// either no normalization or LayerNorm, then the linear output layer. The matrix products go straight to libtorch's BLAS
/// (<see cref="NativeGemm"/>) and everything between them (biases, ReLU and its mask, the convolution's scatter) runs
/// in place on one set of buffers, so a DQN update costs its arithmetic instead of a dozen libtorch operations and
/// their autograd nodes. It computes what the layer-by-layer path computes, to float rounding.
/// </summary>
/// <remarks>
/// <see cref="PlasticNetwork"/> takes this path for a plain forward (not <see cref="PlasticNetwork.Trace"/>, not after
/// a plasticity injection) when <see cref="Applies"/> holds; any other network, dtype, device or an input whose
/// gradient is wanted goes layer by layer. Each row is computed on its own in the convolution; the products are
/// oneMKL's, as in libtorch's <c>linear</c>. A learner that differentiates its loss by hand (DQN) uses
/// <see cref="Start"/> and <see cref="Pass.AddGradients"/> instead of the autograd node: the same kernels, with the
/// gradients added straight into the parameters' <c>.grad</c>. If a graph with this node is dropped without a backward
/// pass, its activation buffers are freed by the tensors' finalizers.
/// </remarks>
internal sealed class FusedSparseInputNetwork : autograd.SingleTensorFunction<FusedSparseInputNetwork>
{
    /// <inheritdoc />
    public override string Name => nameof(FusedSparseInputNetwork);

    /// <summary>True when <paramref name="layers"/> (hidden layers in order) have the shape this pass computes.</summary>
    public static bool Fits(IReadOnlyList<HiddenLayer> layers, Linear output)
    {
        if (layers.Count < 1 || layers[0].Affine is not Conv2d || !layers[0].IsConvolution || output.bias is null) return false;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.Activation != ActivationKind.ReLU || layer.Bias is null) return false;
            if (i > 0 && layer.Affine is not Linear) return false;
            // LayerNorm over the whole layer output (as NetworkFactory builds it), with its scale and shift.
            if (layer.Norm is not null && (layer.Norm is not LayerNorm norm || norm.bias is null
                || norm.normalized_shape.Aggregate(1L, (a, b) => a * b) != norm.weight.numel())) return false;
        }
        return true;
    }

    /// <summary>
    /// True when this call can take the fused pass: <paramref name="layers"/> <see cref="Fits"/> with a sparse input
    /// (checked by the caller), the products are available, no <see cref="LayerByLayerScope"/> is open,
    /// <paramref name="input"/> (<c>[B, Cin, H, W]</c>) suits the sparse convolution, and the parameters are contiguous
    /// float32 on the CPU.
    /// </summary>
    public static bool Applies(IReadOnlyList<HiddenLayer> layers, Linear output, Tensor input)
    {
        if (!NativeGemm.IsAvailable || LayerByLayerScope.IsActive || layers[0].Affine is not Conv2d conv || !SparseInputConvolution.Applies(input, conv)) return false;
        var weight = output.weight!;
        if (weight.dtype != ScalarType.Float32 || weight.device_type != DeviceType.CPU) return false;
        foreach (var parameter in ParametersOf(layers, output))
            if (!parameter.is_contiguous()) return false;
        return true;
    }

    /// <summary>The raw output <c>[B, outputs]</c> (call only when <see cref="Applies"/> holds). Records one graph node
    /// when a gradient is wanted.</summary>
    public static Tensor Run(IReadOnlyList<HiddenLayer> layers, Linear output, Tensor input)
    {
        var parameters = ParametersOf(layers, output);
        var plan = Plan.Of(input, layers, output);
        bool wantsGradient = is_grad_enabled() && parameters.Any(p => p.requires_grad);
        using var contiguous = input.contiguous();
        if (!wantsGradient)
        {
            var activations = plan.Allocate();
            try
            {
                return Forward(contiguous, parameters, plan, activations);
            }
            finally
            {
                Plan.Release(activations);
            }
        }
        object[] arguments = [contiguous, .. parameters, plan];
        return apply(arguments);
    }

    /// <summary>
    /// A forward pass outside autograd that keeps its activations for <see cref="Pass.AddGradients"/> (call only when
    /// <see cref="Applies"/> holds): for a learner that differentiates its loss by hand
    /// (<see cref="Training.TrainingSession.Step(Tensor, Func{Tensor}, Func{double})"/>).
    /// </summary>
    public static Pass Start(IReadOnlyList<HiddenLayer> layers, Linear output, Tensor input)
    {
        var parameters = ParametersOf(layers, output);
        var plan = Plan.Of(input, layers, output);
        var contiguous = input.contiguous().DetachFromDisposeScope();
        var activations = plan.Allocate();
        Tensor result;
        using (no_grad()) result = Forward(contiguous, parameters, plan, activations);
        return new Pass(contiguous, parameters, plan, activations, result.DetachFromDisposeScope());
    }

    /// <summary>A forward pass with its activations, ready for one backward pass into the parameters' gradients.</summary>
    internal sealed class Pass : IDisposable
    {
        private readonly Tensor input;
        private readonly IReadOnlyList<Tensor> parameters;
        private readonly Plan plan;
        private readonly Tensor[] activations;

        internal Pass(Tensor input, IReadOnlyList<Tensor> parameters, Plan plan, Tensor[] activations, Tensor output)
        {
            this.input = input;
            this.parameters = parameters;
            this.plan = plan;
            this.activations = activations;
            Output = output;
        }

        /// <summary>The network's raw output <c>[B, outputs]</c> (owned by the pass).</summary>
        public Tensor Output { get; }

        /// <summary>Adds the gradient of a loss whose gradient with respect to <see cref="Output"/> is
        /// <paramref name="outputGradient"/> to every parameter's <c>.grad</c> (created as zeros where there is none).</summary>
        public void AddGradients(Tensor outputGradient)
        {
            var targets = new Tensor[parameters.Count];
            try
            {
                for (int i = 0; i < targets.Length; i++)
                {
                    var parameter = parameters[i];
                    var grad = parameter.grad;
                    if (grad is null)
                    {
                        using (no_grad()) parameter.grad = zeros_like(parameter);
                        grad = parameter.grad!;
                    }
                    targets[i] = grad;
                }
                using var gradient = outputGradient.contiguous();
                Backward(input, parameters, plan, activations, gradient, targets);
            }
            finally
            {
                foreach (var target in targets) target?.Dispose();
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            Plan.Release(activations);
            input.Dispose();
            Output.Dispose();
        }
    }

    private static List<Tensor> ParametersOf(IReadOnlyList<HiddenLayer> layers, Linear output)
    {
        var parameters = new List<Tensor>(2 * layers.Count + 2);
        foreach (var layer in layers)
        {
            parameters.Add(layer.Weight);
            parameters.Add(layer.Bias!);
            if (layer.Norm is LayerNorm norm)
            {
                parameters.Add(norm.weight);
                parameters.Add(norm.bias!);
            }
        }
        parameters.Add(output.weight!);
        parameters.Add(output.bias!);
        return parameters;
    }

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var plan = (Plan)vars[^1];
        var parameters = vars[1..^1].Cast<Tensor>().ToList();
        var activations = plan.Allocate();
        ctx.save_for_backward([input, .. parameters]);
        ctx.save_data(nameof(Plan), plan);
        ctx.save_data("activations", activations);
        return Forward(input, parameters, plan, activations);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        var plan = (Plan)ctx.get_data(nameof(Plan));
        var activations = (Tensor[])ctx.get_data("activations");
        try
        {
            using var gradient = grad_output.contiguous();
            var parameters = saved.Skip(1).ToList();
            var gradients = parameters.Select(p => zeros(p.shape, ScalarType.Float32)).ToArray();
            Backward(saved[0], parameters, plan, activations, gradient, gradients);
            // One gradient per forward argument: none for the input and the plan.
            return [null!, .. gradients, null!];
        }
        finally
        {
            Plan.Release(activations);
            foreach (var t in saved) t.Dispose();
        }
    }

    /// <summary>
    /// The sizes of one call: the convolution's geometry, the width of every layer after it (<c>Widths[0]</c> is the
    /// flattened convolution output, the last is the network's output), where each layer's parameters start in the
    /// parameter list (weight, bias, then LayerNorm's scale and shift), and each hidden layer's LayerNorm epsilon (0 for
    /// none).
    /// </summary>
    internal sealed record Plan(SparseInputConvolution.Geometry Convolution, int[] Widths, int[] First, double[] Epsilon)
    {
        public int Batch => Convolution.Batch;

        /// <summary>True when hidden layer <paramref name="layer"/> has a LayerNorm.</summary>
        public bool Normalized(int layer) => layer < Epsilon.Length && Epsilon[layer] > 0;

        public static Plan Of(Tensor input, IReadOnlyList<HiddenLayer> layers, Linear output)
        {
            var geometry = SparseInputConvolution.Geometry.Of(input, (Conv2d)layers[0].Affine);
            var widths = new int[layers.Count + 1];
            widths[0] = geometry.OutChannels * geometry.Positions;
            for (int i = 1; i < layers.Count; i++) widths[i] = layers[i].Units;
            widths[^1] = (int)output.out_features;
            var first = new int[layers.Count + 1];
            var epsilon = new double[layers.Count];
            for (int i = 0; i < layers.Count; i++)
            {
                epsilon[i] = layers[i].Norm is LayerNorm norm ? norm.eps : 0;
                first[i + 1] = first[i] + (epsilon[i] > 0 ? 4 : 2);
            }
            return new Plan(geometry, widths, first, epsilon);
        }

        /// <summary>
        /// Buffers for what the backward pass reads: each hidden layer's activation <c>[B, Widths[i]]</c>, and for a
        /// normalized layer its normalized pre-activation (same shape) and each row's inverse deviation <c>[B]</c>,
        /// in that order per layer. libtorch tensors, because oneMKL's summation order depends on the alignment of its
        /// operands and libtorch aligns to 64 bytes (managed arrays would make a resumed run differ from an uninterrupted
        /// one in the last bits). Outside any dispose scope: a backward pass may run after the forward's scope has closed.
        /// </summary>
        public Tensor[] Allocate()
        {
            var buffers = new List<Tensor>();
            for (int i = 0; i < Widths.Length - 1; i++)
            {
                buffers.Add(empty([Batch * Widths[i]], ScalarType.Float32).DetachFromDisposeScope());
                if (!Normalized(i)) continue;
                buffers.Add(empty([Batch * Widths[i]], ScalarType.Float32).DetachFromDisposeScope());
                buffers.Add(empty([Batch], ScalarType.Float32).DetachFromDisposeScope());
            }
            return [.. buffers];
        }

        /// <summary>Where hidden layer <paramref name="layer"/>'s buffers start in <see cref="Allocate"/>'s array.</summary>
        public int Buffer(int layer)
        {
            int index = 0;
            for (int i = 0; i < layer; i++) index += Normalized(i) ? 3 : 1;
            return index;
        }

        public static void Release(Tensor[] activations)
        {
            foreach (var buffer in activations) buffer.Dispose();
        }
    }

    /// <summary>Runs the layers, keeping what the backward pass reads in <paramref name="activations"/>
    /// (<see cref="Plan.Allocate"/>); returns the output.</summary>
    private static unsafe Tensor Forward(Tensor input, IReadOnlyList<Tensor> parameters, Plan plan, Tensor[] activations)
    {
        var g = plan.Convolution;
        int batch = plan.Batch, hidden = plan.Widths.Length - 1;
        var result = empty([batch, plan.Widths[^1]], ScalarType.Float32);
        var columns = ArrayPool<float>.Shared.Rent(g.Taps * g.OutChannels);
        try
        {
            SparseInputConvolution.TransposeWeight(Floats(parameters[0]), g, columns);
            fixed (float* w = columns)
            {
                float* first = Data(activations[0]);
                SparseInputConvolution.ForwardBatch(Data(input), w, Data(parameters[1]), g, first);
                Activate(first, 0, parameters, plan, activations);
            }
            for (int layer = 1; layer <= hidden; layer++)
            {
                int inputs = plan.Widths[layer - 1], outputs = plan.Widths[layer];
                float* x = Data(activations[plan.Buffer(layer - 1)]);
                float* z = Data(layer < hidden ? activations[plan.Buffer(layer)] : result);
                float* bias = Data(parameters[plan.First[layer] + 1]);
                for (int n = 0; n < batch; n++) new ReadOnlySpan<float>(bias, outputs).CopyTo(new Span<float>(z + (long)n * outputs, outputs));
                // z = x W^T + b: the bias is already in z, so beta = 1 adds the product to it.
                NativeGemm.Multiply(false, true, batch, outputs, inputs, x, inputs, Data(parameters[plan.First[layer]]), inputs, 1f, z, outputs);
                if (layer < hidden) Activate(z, layer, parameters, plan, activations);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columns);
        }
        return result;
    }

    /// <summary>Adds the gradient of every parameter (in <paramref name="parameters"/>' order) from the output's gradient
    /// to <paramref name="targets"/> (contiguous float32 tensors of the parameters' shapes).</summary>
    private static unsafe void Backward(Tensor input, IReadOnlyList<Tensor> parameters, Plan plan, Tensor[] activations, Tensor outputGradient, IReadOnlyList<Tensor> targets)
    {
        var g = plan.Convolution;
        int batch = plan.Batch, hidden = plan.Widths.Length - 1;
        int widest = plan.Widths.Max();
        // Aligned like the activations (see Plan.Allocate), so the products sum in the same order in every run.
        using var upstream = empty([batch * widest], ScalarType.Float32);
        using var downstream = empty([batch * widest], ScalarType.Float32);
        outputGradient.bytes.CopyTo(upstream.bytes);
        float* dz = Data(upstream), dx = Data(downstream);
        for (int layer = hidden; layer >= 1; layer--)
        {
            int inputs = plan.Widths[layer - 1], outputs = plan.Widths[layer], first = plan.First[layer];
            float* x = Data(activations[plan.Buffer(layer - 1)]);
            // dW += dz^T x, db += column sums of dz, dx = dz W masked by ReLU (x > 0 where the unit was active).
            NativeGemm.Multiply(true, false, outputs, inputs, batch, dz, outputs, x, inputs, 1f, Data(targets[first]), inputs);
            AddColumnSums(dz, batch, outputs, Data(targets[first + 1]));
            NativeGemm.Multiply(false, false, batch, inputs, outputs, dz, outputs, Data(parameters[first]), inputs, 0f, dx, inputs);
            MaskInactive(dx, x, batch * inputs);
            if (plan.Normalized(layer - 1)) NormalizeBackward(dx, layer - 1, parameters, plan, activations, targets);
            float* swap = dz;
            dz = dx;
            dx = swap;
        }
        // dz now holds the gradient of the convolution's output (masked by its ReLU).
        int taps = g.Taps * g.OutChannels;
        var columns = ArrayPool<float>.Shared.Rent(2 * taps);
        try
        {
            Array.Clear(columns, 0, taps);
            fixed (float* dw = columns)
            {
                SparseInputConvolution.BackwardBatch(Data(input), dz, g, dw, Data(targets[1]));
                SparseInputConvolution.TransposeColumns(columns.AsSpan(0, taps), g, columns.AsSpan(taps, taps));
                float* weightGradient = Data(targets[0]);
                for (int i = 0; i < taps; i++) weightGradient[i] += dw[taps + i];
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columns);
        }
    }

    /// <summary>Turns hidden layer <paramref name="layer"/>'s pre-activation <paramref name="z"/> <c>[B, width]</c> into its
    /// activation in place: LayerNorm when the layer has one (keeping what its backward pass reads), then ReLU.</summary>
    private static unsafe void Activate(float* z, int layer, IReadOnlyList<Tensor> parameters, Plan plan, Tensor[] buffers)
    {
        int width = plan.Widths[layer], rows = plan.Batch;
        if (plan.Normalized(layer))
        {
            int first = plan.First[layer], at = plan.Buffer(layer);
            float* scale = Data(parameters[first + 2]), shift = Data(parameters[first + 3]);
            float* normalized = Data(buffers[at + 1]), inverseDeviation = Data(buffers[at + 2]);
            for (int r = 0; r < rows; r++)
            {
                float* row = z + (long)r * width, xhat = normalized + (long)r * width;
                float mean = (float)(Sum(row, width) / width);
                double squares = 0;
                var centre = Vector256.Create(mean);
                int j = 0;
                var lanes = Vector256<float>.Zero;
                for (; j + 8 <= width; j += 8)
                {
                    var d = Vector256.Load(row + j) - centre;
                    lanes += d * d;
                }
                squares = Vector256.Sum(lanes);
                for (; j < width; j++) squares += (row[j] - mean) * (row[j] - mean);
                float inverse = (float)(1 / Math.Sqrt(squares / width + plan.Epsilon[layer]));
                inverseDeviation[r] = inverse;
                var scaleBy = Vector256.Create(inverse);
                for (j = 0; j + 8 <= width; j += 8)
                {
                    var x = (Vector256.Load(row + j) - centre) * scaleBy;
                    Vector256.Store(x, xhat + j);
                    Vector256.Store(x * Vector256.Load(scale + j) + Vector256.Load(shift + j), row + j);
                }
                for (; j < width; j++)
                {
                    xhat[j] = (row[j] - mean) * inverse;
                    row[j] = xhat[j] * scale[j] + shift[j];
                }
            }
        }
        Rectify(z, rows * width);
    }

    /// <summary>
    /// LayerNorm's backward pass in place: <paramref name="gradient"/> holds dL/dy for hidden layer
    /// <paramref name="layer"/>'s normalized output y = scale x̂ + shift and becomes dL/dz for its pre-activation z;
    /// the scale's and shift's gradients are added to <paramref name="targets"/>. With g = dL/dy ⊙ scale,
    /// <c>dL/dz = (g - mean(g) - x̂ mean(g ⊙ x̂)) / sigma</c> per row.
    /// </summary>
    private static unsafe void NormalizeBackward(float* gradient, int layer, IReadOnlyList<Tensor> parameters, Plan plan, Tensor[] buffers, IReadOnlyList<Tensor> targets)
    {
        int width = plan.Widths[layer], rows = plan.Batch, first = plan.First[layer], at = plan.Buffer(layer);
        float* scale = Data(parameters[first + 2]);
        float* normalized = Data(buffers[at + 1]), inverseDeviation = Data(buffers[at + 2]);
        float* scaleGradient = Data(targets[first + 2]), shiftGradient = Data(targets[first + 3]);
        for (int r = 0; r < rows; r++)
        {
            float* dy = gradient + (long)r * width, xhat = normalized + (long)r * width;
            var sumG = Vector256<float>.Zero;
            var sumGx = Vector256<float>.Zero;
            int j = 0;
            for (; j + 8 <= width; j += 8)
            {
                var d = Vector256.Load(dy + j);
                var x = Vector256.Load(xhat + j);
                Vector256.Store(Vector256.Load(scaleGradient + j) + d * x, scaleGradient + j);
                Vector256.Store(Vector256.Load(shiftGradient + j) + d, shiftGradient + j);
                var g = d * Vector256.Load(scale + j);
                sumG += g;
                sumGx += g * x;
            }
            double totalG = Vector256.Sum(sumG), totalGx = Vector256.Sum(sumGx);
            for (int t = j; t < width; t++)
            {
                scaleGradient[t] += dy[t] * xhat[t];
                shiftGradient[t] += dy[t];
                totalG += dy[t] * scale[t];
                totalGx += dy[t] * scale[t] * xhat[t];
            }
            float inverse = inverseDeviation[r], meanG = (float)(totalG / width), meanGx = (float)(totalGx / width);
            var a = Vector256.Create(meanG);
            var bx = Vector256.Create(meanGx);
            var s = Vector256.Create(inverse);
            for (j = 0; j + 8 <= width; j += 8)
            {
                var g = Vector256.Load(dy + j) * Vector256.Load(scale + j);
                Vector256.Store((g - a - Vector256.Load(xhat + j) * bx) * s, dy + j);
            }
            for (; j < width; j++) dy[j] = (dy[j] * scale[j] - meanG - xhat[j] * meanGx) * inverse;
        }
    }

    /// <summary>The sum of <paramref name="count"/> floats, in eight float lanes added up in float64.</summary>
    private static unsafe double Sum(float* values, int count)
    {
        var lanes = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= count; i += 8) lanes += Vector256.Load(values + i);
        double sum = Vector256.Sum(lanes);
        for (; i < count; i++) sum += values[i];
        return sum;
    }

    /// <summary>A contiguous CPU float32 tensor's data (native memory: no pinning needed while the tensor lives).</summary>
    private static unsafe float* Data(Tensor tensor) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes));

    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary><c>x = max(x, 0)</c> in place.</summary>
    private static unsafe void Rectify(float* x, int count)
    {
        int i = 0;
        for (; i + 8 <= count; i += 8) Vector256.Store(Vector256.Max(Vector256.Load(x + i), Vector256<float>.Zero), x + i);
        for (; i < count; i++) x[i] = MathF.Max(x[i], 0f);
    }

    /// <summary>Zeroes <paramref name="gradient"/> where the ReLU output <paramref name="activation"/> is 0 (the unit was off).</summary>
    private static unsafe void MaskInactive(float* gradient, float* activation, int count)
    {
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var on = Vector256.GreaterThan(Vector256.Load(activation + i), Vector256<float>.Zero);
            Vector256.Store(Vector256.BitwiseAnd(Vector256.Load(gradient + i), on), gradient + i);
        }
        for (; i < count; i++) if (!(activation[i] > 0)) gradient[i] = 0;
    }

    /// <summary><paramref name="sums"/>[j] += sum over rows of <paramref name="matrix"/> <c>[rows, columns]</c>.</summary>
    private static unsafe void AddColumnSums(float* matrix, int rows, int columns, float* sums)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = matrix + (long)r * columns;
            int j = 0;
            for (; j + 8 <= columns; j += 8) Vector256.Store(Vector256.Load(sums + j) + Vector256.Load(row + j), sums + j);
            for (; j < columns; j++) sums[j] += row[j];
        }
    }
}
