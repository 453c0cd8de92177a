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
        var output = empty([g.Batch, g.OutChannels, g.OutHeight, g.OutWidth], ScalarType.Float32);
        var pool = ArrayPool<float>.Shared;
        float[] columns = pool.Rent(g.Taps * g.OutChannels);
        try
        {
            using (var detachedWeight = weight.detach())
            using (var contiguousWeight = detachedWeight.contiguous())
                TransposeWeight(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(contiguousWeight.bytes), g, columns);
            using var detachedBias = bias?.detach();
            using var contiguousBias = detachedBias?.contiguous();
            fixed (byte* inputBytes = input.bytes)
            fixed (byte* outputBytes = output.bytes)
            fixed (byte* biasBytes = contiguousBias is null ? default : contiguousBias.bytes)
            fixed (float* w = columns)
                ForwardBatch((float*)inputBytes, w, (float*)biasBytes, g, (float*)outputBytes);
        }
        finally
        {
            pool.Return(columns);
        }
        return output;
    }

    /// <summary>Writes <paramref name="weight"/> (<c>[C, Cin, k, k]</c>, contiguous) as the <c>[Cin k k, C]</c> columns the
    /// scatter reads (<paramref name="columns"/> holds at least <see cref="Geometry.Taps"/> x C floats).</summary>
    internal static void TransposeWeight(ReadOnlySpan<float> weight, Geometry g, Span<float> columns) =>
        Transpose(weight, g.OutChannels, g.Taps, columns);

    /// <summary>
    /// The convolution of a batch on raw memory: <paramref name="input"/> <c>[B, Cin, H, W]</c>, the weight as
    /// <see cref="TransposeWeight"/> columns, <paramref name="bias"/> <c>[C]</c> or null, into <paramref name="output"/>
    /// <c>[B, C, Ho, Wo]</c>. The fused network pass (<see cref="FusedSparseInputNetwork"/>) calls it too.
    /// </summary>
    internal static unsafe void ForwardBatch(float* input, float* weightColumns, float* bias, Geometry g, float* output)
    {
        int c = g.OutChannels, positions = g.Positions;
        if (FullGridScatter.Fits(g))
        {
            FullGridScatter.ForwardBatch(input, weightColumns, bias, g, output);
            return;
        }
        var table = TapTable.For(g);
        var pool = ArrayPool<float>.Shared;
        float[] accumulator = pool.Rent(positions * c), start = pool.Rent(c);
        int[] cells = ArrayPool<int>.Shared.Rent(g.SampleSize + IndexSlack);
        try
        {
            if (bias is null) Array.Clear(start, 0, c);
            else new ReadOnlySpan<float>(bias, c).CopyTo(start);
            fixed (float* a = accumulator, b0 = start)
            fixed (int* nonzero = cells, first = table.First, columnOffsets = table.ColumnOffsets, outputOffsets = table.OutputOffsets)
            {
                for (int n = 0; n < g.Batch; n++)
                {
                    for (int pos = 0; pos < positions; pos++) Copy(b0, a + pos * c, c);
                    float* sample = input + (long)n * g.SampleSize;
                    int count = FindNonzero(sample, g.SampleSize, nonzero);
                    // Adds v * W[:, tap] to every output whose receptive field holds the cell (tap = its place there).
                    for (int k = 0; k < count; k++)
                    {
                        int cell = nonzero[k];
                        float value = sample[cell];
                        for (int t = first[cell]; t < first[cell + 1]; t++)
                            Axpy(value, weightColumns + columnOffsets[t], a + outputOffsets[t], c);
                    }
                    Transpose(a, positions, c, output + (long)n * c * positions);
                }
            }
        }
        finally
        {
            pool.Return(accumulator);
            pool.Return(start);
            ArrayPool<int>.Shared.Return(cells);
        }
    }

    private static unsafe (Tensor Weight, Tensor Bias) Backward(Tensor input, Tensor grad, Geometry g)
    {
        var weightColumns = new float[g.Taps * g.OutChannels];
        var biasGradient = new float[g.OutChannels];
        fixed (byte* inputBytes = input.bytes)
        fixed (byte* gradBytes = grad.bytes)
        fixed (float* dw = weightColumns, db = biasGradient)
            BackwardBatch((float*)inputBytes, (float*)gradBytes, g, dw, db);
        var weight = new float[weightColumns.Length];
        TransposeColumns(weightColumns, g, weight);
        using var flatWeight = tensor(weight);
        return (flatWeight.view(g.OutChannels, g.InChannels, g.Kernel, g.Kernel), tensor(biasGradient));
    }

    /// <summary>
    /// The weight and bias gradients of a batch on raw memory, added to <paramref name="weightColumnsGradient"/>
    /// (<c>[Cin k k, C]</c> columns; <see cref="TransposeColumns"/> turns them into the weight's layout) and
    /// <paramref name="biasGradient"/> <c>[C]</c>: <paramref name="input"/> <c>[B, Cin, H, W]</c>, <paramref name="gradient"/>
    /// the gradient of the output <c>[B, C, Ho, Wo]</c>.
    /// </summary>
    internal static unsafe void BackwardBatch(float* input, float* gradient, Geometry g, float* weightColumnsGradient, float* biasGradient)
    {
        int c = g.OutChannels, positions = g.Positions;
        if (FullGridScatter.Fits(g))
        {
            FullGridScatter.BackwardBatch(input, gradient, g, weightColumnsGradient, biasGradient);
            return;
        }
        var table = TapTable.For(g);
        var pool = ArrayPool<float>.Shared;
        float[] gradientRows = pool.Rent(positions * c);
        int[] cells = ArrayPool<int>.Shared.Rent(g.SampleSize + IndexSlack);
        try
        {
            fixed (float* rows = gradientRows)
            fixed (int* nonzero = cells, first = table.First, columnOffsets = table.ColumnOffsets, outputOffsets = table.OutputOffsets)
            {
                for (int n = 0; n < g.Batch; n++)
                {
                    Transpose(gradient + (long)n * c * positions, c, positions, rows);
                    for (int pos = 0; pos < positions; pos++) Axpy(1, rows + pos * c, biasGradient, c);
                    float* sample = input + (long)n * g.SampleSize;
                    int count = FindNonzero(sample, g.SampleSize, nonzero);
                    // The tap's weight-gradient column gains v x the output gradient at each position the cell reaches.
                    for (int k = 0; k < count; k++)
                    {
                        int cell = nonzero[k];
                        float value = sample[cell];
                        for (int t = first[cell]; t < first[cell + 1]; t++)
                            Axpy(value, rows + outputOffsets[t], weightColumnsGradient + columnOffsets[t], c);
                    }
                }
            }
        }
        finally
        {
            pool.Return(gradientRows);
            ArrayPool<int>.Shared.Return(cells);
        }
    }

    /// <summary>Writes weight-gradient columns (<c>[Cin k k, C]</c>, from <see cref="BackwardBatch"/>) in the weight's
    /// layout <c>[C, Cin, k, k]</c>.</summary>
    internal static void TransposeColumns(ReadOnlySpan<float> columns, Geometry g, Span<float> weight) =>
        Transpose(columns, g.Taps, g.OutChannels, weight);

    /// <summary>Ints a buffer for <see cref="FindNonzero"/> needs beyond the sample's cells.</summary>
    internal const int IndexSlack = 8;

    /// <summary>The positions of the set bits of each byte, padded to 8: row m lists the set bits of m.</summary>
    private static readonly int[] SetBits = BuildSetBits();

    /// <summary>
    /// Writes the indices of the nonzero cells of <paramref name="sample"/> to <paramref name="indices"/> (which holds
    /// <see cref="IndexSlack"/> more ints than the sample has cells); returns their count. Each block of 8 cells writes
    /// all 8 candidate indices and advances by how many are nonzero: no branch on the data.
    /// </summary>
    internal static unsafe int FindNonzero(float* sample, int size, int* indices)
    {
        int count = 0, i = 0;
        fixed (int* setBits = SetBits)
        {
            for (; i + 8 <= size; i += 8)
            {
                uint nonzero = ~Vector256.ExtractMostSignificantBits(Vector256.Equals(Vector256.Load(sample + i), Vector256<float>.Zero)) & 0xFF;
                Vector256.Store(Vector256.Load(setBits + nonzero * 8) + Vector256.Create(i), indices + count);
                count += System.Numerics.BitOperations.PopCount(nonzero);
            }
        }
        for (; i < size; i++)
            if (sample[i] != 0) indices[count++] = i;
        return count;
    }

    private static int[] BuildSetBits()
    {
        var table = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
            for (int bit = 0, k = 0; bit < 8; bit++)
                if ((mask & (1 << bit)) != 0) table[mask * 8 + k++] = bit;
        return table;
    }

    /// <summary>
    /// For each input cell of one sample, the (tap, output position) pairs of the convolution that read it, as float
    /// offsets: <c>ColumnOffsets[t]</c> into the <c>[Cin k k, C]</c> weight columns and <c>OutputOffsets[t]</c> into the
    /// <c>[positions, C]</c> output rows, for <c>t</c> from <c>First[cell]</c> to <c>First[cell + 1]</c>. Built once per
    /// geometry, so the convolution does no index arithmetic per cell (three divisions and the border tests).
    /// </summary>
    private sealed class TapTable
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Geometry, TapTable> Tables = new();

        public required int[] First { get; init; }
        public required int[] ColumnOffsets { get; init; }
        public required int[] OutputOffsets { get; init; }

        /// <summary>The table of <paramref name="g"/>'s sample geometry (its batch size does not matter).</summary>
        public static TapTable For(Geometry g) => Tables.GetOrAdd(g with { Batch = 0 }, Build);

        private static TapTable Build(Geometry g)
        {
            int plane = g.Height * g.Width, k = g.Kernel, s = g.Stride, p = g.Padding, c = g.OutChannels;
            var first = new int[g.SampleSize + 1];
            List<int> columns = [], outputs = [];
            for (int index = 0; index < g.SampleSize; index++)
            {
                first[index] = columns.Count;
                int channel = index / plane, y = index % plane / g.Width + p, x = index % g.Width + p;
                // Output (oy, ox) reads padded cell (oy s + ky, ox s + kx) through tap (channel, ky, kx).
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                    {
                        int ty = y - ky, tx = x - kx;
                        if (ty < 0 || ty % s != 0 || ty / s >= g.OutHeight || tx < 0 || tx % s != 0 || tx / s >= g.OutWidth) continue;
                        columns.Add(((channel * k + ky) * k + kx) * c);
                        outputs.Add((ty / s * g.OutWidth + tx / s) * c);
                    }
            }
            first[g.SampleSize] = columns.Count;
            return new TapTable { First = first, ColumnOffsets = [.. columns], OutputOffsets = [.. outputs] };
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
    internal static unsafe void Axpy(float a, float* x, float* y, int n)
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

    /// <summary>
    /// Writes <c>target[col targetStride + r] = source[r sourceStride + col]</c> for a <paramref name="rows"/> x
    /// <paramref name="columns"/> block: a transpose between row strides of the caller's choosing (a window of a larger
    /// grid). 8 x 8 blocks in registers when both sizes are multiples of 8.
    /// </summary>
    internal static unsafe void TransposeStrided(float* source, int rows, int columns, float* target, int targetStride, int sourceStride = -1)
    {
        if (sourceStride < 0) sourceStride = columns;
        if (Avx.IsSupported && rows % 8 == 0 && columns % 8 == 0)
        {
            for (int r = 0; r < rows; r += 8)
                for (int col = 0; col < columns; col += 8)
                    Transpose8x8(source + r * sourceStride + col, sourceStride, target + col * targetStride + r, targetStride);
            return;
        }
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < columns; col++) target[col * targetStride + r] = source[r * sourceStride + col];
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
