using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// A convolution over an input that is mostly zeros (MinAtar's boolean object planes: a few percent of the cells
/// are set), computed as a scatter: each nonzero input cell adds its value times the matching weight column to the
/// outputs whose receptive field holds it. The work is proportional to the nonzero cells (about a tenth of a dense
/// convolution's for MinAtar) and, unlike libtorch's small-shape convolution, has no setup cost; the backward pass
/// accumulates the weight gradient the same way. It agrees with <c>conv2d</c> to float rounding.
/// </summary>
/// <remarks>
/// Used by the first layer of a network whose <see cref="NetworkSpec.SparseInput"/> is set, when
/// <see cref="Applies"/> holds (a float32 CPU batch whose gradient is not wanted, and a plain zero-padded
/// convolution); otherwise that layer runs <c>conv2d</c>. Each sample is computed on its own in a fixed order, so a
/// row scores the same alone as in a batch. No gradient flows to the input (its cells are data, not parameters).
/// </remarks>
internal sealed class SparseInputConvolution : autograd.SingleTensorFunction<SparseInputConvolution>
{
    /// <inheritdoc />
    public override string Name => nameof(SparseInputConvolution);

    /// <summary>True when <paramref name="input"/> can go through the scatter with <paramref name="conv"/>.</summary>
    public static bool Applies(Tensor input, Conv2d conv) =>
        input.dim() == 4 && input.device_type == DeviceType.CPU && input.dtype == ScalarType.Float32
        && conv.weight!.dtype == ScalarType.Float32 && conv.weight.device_type == DeviceType.CPU
        && !(input.requires_grad && is_grad_enabled())
        && conv.groups == 1 && conv.padding_mode == PaddingModes.Zeros && conv.padding is not null
        && conv.dilation.All(d => d == 1) && conv.stride[0] == conv.stride[1] && conv.padding[0] == conv.padding[1]
        && conv.kernel_size[0] == conv.kernel_size[1] && input.shape[1] == conv.in_channels;

    /// <summary>The convolution of <paramref name="input"/> by <paramref name="conv"/>'s weight and bias (call only when
    /// <see cref="Applies"/> holds). Records a graph node only when a gradient is wanted.</summary>
    public static Tensor Run(Tensor input, Conv2d conv)
    {
        var weight = conv.weight!;
        var bias = conv.bias;
        var geometry = Geometry.Of(input, conv);
        bool wantsGradient = is_grad_enabled() && (weight.requires_grad || bias is { requires_grad: true });
        if (!wantsGradient) return Forward(input.contiguous(), weight, bias, geometry);
        return bias is null ? apply(input, weight, geometry) : apply(input, weight, bias, geometry);
    }

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = ((Tensor)vars[0]).contiguous();
        var weight = (Tensor)vars[1];
        var bias = vars.Length == 4 ? (Tensor)vars[2] : null;
        var geometry = (Geometry)vars[^1];
        ctx.save_for_backward([input]);
        ctx.save_data(nameof(Geometry), geometry);
        ctx.save_data("hasBias", bias is not null);
        return Forward(input, weight, bias, geometry);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var input = ctx.get_saved_variables()[0];
        var geometry = (Geometry)ctx.get_data(nameof(Geometry));
        bool hasBias = (bool)ctx.get_data("hasBias");
        using var gradient = grad_output.contiguous();
        var (weightGradient, biasGradient) = Backward(input, gradient, geometry);
        input.Dispose();
        // One gradient per forward argument: none for the input and the geometry.
        return hasBias ? [null!, weightGradient, biasGradient, null!] : [null!, weightGradient, null!];
    }

    /// <summary>Sizes of one call: input <c>[B, Cin, H, W]</c>, output <c>[B, C, Ho, Wo]</c>, square kernel.</summary>
    internal sealed record Geometry(int Batch, int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride, int Padding, int OutHeight, int OutWidth)
    {
        public static Geometry Of(Tensor input, Conv2d conv)
        {
            int k = (int)conv.kernel_size[0], s = (int)conv.stride[0], p = (int)conv.padding![0];
            int h = (int)input.shape[2], w = (int)input.shape[3];
            return new Geometry((int)input.shape[0], (int)input.shape[1], h, w, (int)conv.out_channels, k, s, p,
                (h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1);
        }

        public int Positions => OutHeight * OutWidth;
        public int Taps => InChannels * Kernel * Kernel;
        public int SampleSize => InChannels * Height * Width;
    }

    private static unsafe Tensor Forward(Tensor input, Tensor weight, Tensor? bias, Geometry g)
    {
        int c = g.OutChannels, positions = g.Positions;
        var output = empty([g.Batch, c, g.OutHeight, g.OutWidth], ScalarType.Float32);
        var pool = ArrayPool<float>.Shared;
        float[] columns = pool.Rent(g.Taps * c), accumulator = pool.Rent(positions * c), start = pool.Rent(c);
        try
        {
            using (var detachedWeight = weight.detach())
            using (var contiguousWeight = detachedWeight.contiguous())
                Transpose(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(contiguousWeight.bytes), c, g.Taps, columns);
            if (bias is null) Array.Clear(start, 0, c);
            else
                using (var detachedBias = bias.detach())
                using (var contiguousBias = detachedBias.contiguous())
                    System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(contiguousBias.bytes).CopyTo(start);
            fixed (byte* inputBytes = input.bytes)
            fixed (byte* outputBytes = output.bytes)
            fixed (float* w = columns, a = accumulator, b0 = start)
            {
                float* x = (float*)inputBytes, o = (float*)outputBytes;
                for (int n = 0; n < g.Batch; n++)
                {
                    for (int pos = 0; pos < positions; pos++) Copy(b0, a + pos * c, c);
                    // Adds v * W[:, tap] to every output whose receptive field holds the cell (tap = its place there).
                    var scatter = new AddColumn { Columns = w, Outputs = a, Channels = c };
                    ForEachTap(x + (long)n * g.SampleSize, g, ref scatter);
                    Transpose(a, positions, c, o + (long)n * c * positions);
                }
            }
        }
        finally
        {
            pool.Return(columns);
            pool.Return(accumulator);
            pool.Return(start);
        }
        return output;
    }

    private static unsafe (Tensor Weight, Tensor Bias) Backward(Tensor input, Tensor grad, Geometry g)
    {
        int c = g.OutChannels, positions = g.Positions;
        var weightColumns = new float[g.Taps * c];
        var biasGradient = new float[c];
        var pool = ArrayPool<float>.Shared;
        float[] gradientRows = pool.Rent(positions * c);
        try
        {
            fixed (byte* inputBytes = input.bytes)
            fixed (byte* gradBytes = grad.bytes)
            fixed (float* dw = weightColumns, db = biasGradient, gr = gradientRows)
            {
                float* x = (float*)inputBytes, dy = (float*)gradBytes;
                float* rows = gr;
                for (int n = 0; n < g.Batch; n++)
                {
                    Transpose(dy + (long)n * c * positions, c, positions, rows);
                    for (int pos = 0; pos < positions; pos++) Axpy(1, rows + pos * c, db, c);
                    var gather = new AddGradient { Rows = rows, Columns = dw, Channels = c };
                    ForEachTap(x + (long)n * g.SampleSize, g, ref gather);
                }
            }
        }
        finally
        {
            pool.Return(gradientRows);
        }
        var weight = new float[weightColumns.Length];
        Transpose(weightColumns, g.Taps, c, weight);
        using var flatWeight = tensor(weight);
        return (flatWeight.view(c, g.InChannels, g.Kernel, g.Kernel), tensor(biasGradient));
    }

    /// <summary>What to do for one (input cell, output position) pair of a convolution.</summary>
    private interface ITap
    {
        void Add(float value, int tap, int position);
    }

    /// <summary>Forward: the output row of the position gains value x the tap's weight column.</summary>
    private unsafe struct AddColumn : ITap
    {
        public float* Columns, Outputs;
        public int Channels;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Add(float value, int tap, int position) => Axpy(value, Columns + tap * Channels, Outputs + position * Channels, Channels);
    }

    /// <summary>Backward: the tap's weight-gradient column gains value x the output gradient at the position.</summary>
    private unsafe struct AddGradient : ITap
    {
        public float* Rows, Columns;
        public int Channels;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Add(float value, int tap, int position) => Axpy(value, Rows + position * Channels, Columns + tap * Channels, Channels);
    }

    /// <summary>
    /// Calls <paramref name="tap"/> for every nonzero cell of one sample and every output position that reads it:
    /// the cell's value, its tap (row of the <c>[Cin k k, C]</c> weight columns) and the output position.
    /// </summary>
    private static unsafe void ForEachTap<TTap>(float* sample, Geometry g, ref TTap tap) where TTap : struct, ITap
    {
        int size = g.SampleSize;
        int i = 0;
        for (; i + 8 <= size; i += 8)
        {
            uint nonzero = ~Vector256.ExtractMostSignificantBits(Vector256.Equals(Vector256.Load(sample + i), Vector256<float>.Zero)) & 0xFF;
            while (nonzero != 0)
            {
                int index = i + System.Numerics.BitOperations.TrailingZeroCount(nonzero);
                nonzero &= nonzero - 1;
                Scatter(sample[index], index, g, ref tap);
            }
        }
        for (; i < size; i++)
            if (sample[i] != 0) Scatter(sample[i], i, g, ref tap);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter<TTap>(float value, int index, Geometry g, ref TTap tap) where TTap : struct, ITap
    {
        int plane = g.Height * g.Width, k = g.Kernel, s = g.Stride, p = g.Padding;
        int channel = index / plane, y = index % plane / g.Width + p, x = index % g.Width + p;
        if (s == 1)
        {
            // Output (y - ky, x - kx) reads the cell through tap (ky, kx): no division on the common path.
            int kyFirst = Math.Max(0, y - g.OutHeight + 1), kyLast = Math.Min(k - 1, y);
            int kxFirst = Math.Max(0, x - g.OutWidth + 1), kxLast = Math.Min(k - 1, x);
            for (int ky = kyFirst; ky <= kyLast; ky++)
            {
                int row = (channel * k + ky) * k, position = (y - ky) * g.OutWidth + x;
                for (int kx = kxFirst; kx <= kxLast; kx++) tap.Add(value, row + kx, position - kx);
            }
            return;
        }
        for (int ky = 0; ky < k; ky++)
        {
            int ty = y - ky;
            if (ty < 0 || ty % s != 0 || ty / s >= g.OutHeight) continue;
            for (int kx = 0; kx < k; kx++)
            {
                int tx = x - kx;
                if (tx < 0 || tx % s != 0 || tx / s >= g.OutWidth) continue;
                tap.Add(value, (channel * k + ky) * k + kx, ty / s * g.OutWidth + tx / s);
            }
        }
    }

    /// <summary>Copies <paramref name="n"/> floats (a bias row: too short for a memmove call to pay).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Copy(float* source, float* target, int n)
    {
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(source + i), target + i);
        for (; i < n; i++) target[i] = source[i];
    }

    /// <summary><c>y += a x</c> over <paramref name="n"/> floats. Straight-line for 16 (MinAtar's channels): this runs
    /// once per nonzero cell and tap, so loop control would cost as much as the arithmetic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Axpy(float a, float* x, float* y, int n)
    {
        if (n == 16)
        {
            if (a == 1)
            {
                Vector256.Store(Vector256.Load(y) + Vector256.Load(x), y);
                Vector256.Store(Vector256.Load(y + 8) + Vector256.Load(x + 8), y + 8);
            }
            else
            {
                var s = Vector256.Create(a);
                Vector256.Store(Vector256.Load(y) + s * Vector256.Load(x), y);
                Vector256.Store(Vector256.Load(y + 8) + s * Vector256.Load(x + 8), y + 8);
            }
            return;
        }
        int i = 0;
        var scale = Vector256.Create(a);
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(y + i) + scale * Vector256.Load(x + i), y + i);
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>
    /// Writes the <c>[rows, columns]</c> matrix at <paramref name="source"/> transposed to <paramref name="target"/>
    /// (<c>[columns, rows]</c>). With AVX and both sizes multiples of 8 it moves 8 x 8 blocks in registers: a scalar
    /// strided transpose of one MinAtar batch (32 x 1,024 floats) costs more than the scatter itself.
    /// </summary>
    private static unsafe void Transpose(float* source, int rows, int columns, float* target)
    {
        if (Avx.IsSupported && rows % 8 == 0 && columns % 8 == 0)
        {
            for (int r = 0; r < rows; r += 8)
                for (int col = 0; col < columns; col += 8)
                    Transpose8x8(source + r * columns + col, columns, target + col * rows + r, rows);
            return;
        }
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < columns; col++) target[col * rows + r] = source[r * columns + col];
    }

    /// <summary>Transposes one 8 x 8 block: rows of <paramref name="source"/> <paramref name="sourceStride"/> floats apart
    /// become columns of <paramref name="target"/>, whose rows are <paramref name="targetStride"/> apart.</summary>
    private static unsafe void Transpose8x8(float* source, int sourceStride, float* target, int targetStride)
    {
        var r0 = Avx.LoadVector256(source);
        var r1 = Avx.LoadVector256(source + sourceStride);
        var r2 = Avx.LoadVector256(source + 2 * sourceStride);
        var r3 = Avx.LoadVector256(source + 3 * sourceStride);
        var r4 = Avx.LoadVector256(source + 4 * sourceStride);
        var r5 = Avx.LoadVector256(source + 5 * sourceStride);
        var r6 = Avx.LoadVector256(source + 6 * sourceStride);
        var r7 = Avx.LoadVector256(source + 7 * sourceStride);
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves: the textbook AVX 8 x 8 transpose.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(target, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(target + targetStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(target + 2 * targetStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(target + 3 * targetStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(target + 4 * targetStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(target + 5 * targetStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(target + 6 * targetStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(target + 7 * targetStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary><see cref="Transpose(float*, int, int, float*)"/> on managed memory (the weight and its gradient).</summary>
    private static unsafe void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> target)
    {
        fixed (float* from = source, to = target) Transpose(from, rows, columns, to);
    }
}
