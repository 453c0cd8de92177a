using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Plasticity.ML.Networks;

/// <summary>
/// The scatter of <see cref="SparseInputConvolution"/> for stride 1, on the "full" output grid: the outputs of every
/// placement of the kernel that overlaps the input, <c>(H + 2p + k - 1) x (W + 2p + k - 1)</c>, of which the
/// convolution's own outputs are a window. On that grid every input cell reaches exactly k x k outputs at fixed offsets
/// from its own, so the loop over a cell's taps has one trip count and no border tests; the outputs outside the window
/// are computed and dropped.
/// </summary>
/// <remarks>
/// Why: on the exact grid a border cell reaches fewer outputs than an inner one, and the changing trip counts (with the
/// data-dependent loop over each block's nonzero cells) cost a mispredicted branch per cell, more than the cell's
/// additions. Outputs agree with the exact grid's to float rounding (the same terms, added in the same order).
/// </remarks>
internal static class FullGridScatter
{
    private static readonly ConcurrentDictionary<SparseInputConvolution.Geometry, Layout> Layouts = new();

    /// <summary>True for the geometries this path computes: stride 1.</summary>
    public static bool Fits(SparseInputConvolution.Geometry g) => g.Stride == 1;

    /// <summary>The convolution of a batch (see <see cref="SparseInputConvolution.ForwardBatch"/>).</summary>
    public static unsafe void ForwardBatch(float* input, float* weightColumns, float* bias, SparseInputConvolution.Geometry g, float* output)
    {
        using var scratch = new Scratch(g);
        fixed (float* grid = scratch.Grid)
        fixed (int* cells = scratch.Cells)
            for (int n = 0; n < g.Batch; n++)
                Forward(input + (long)n * g.SampleSize, weightColumns, bias, g, grid, cells, output + (long)n * g.OutChannels * g.Positions);
    }

    /// <summary>The weight and bias gradients of a batch (see <see cref="SparseInputConvolution.BackwardBatch"/>).</summary>
    public static unsafe void BackwardBatch(float* input, float* gradient, SparseInputConvolution.Geometry g, float* weightColumnsGradient, float* biasGradient)
    {
        using var scratch = new Scratch(g);
        fixed (float* grid = scratch.Grid)
        fixed (int* cells = scratch.Cells)
        {
            // Backward writes only the window: the rest of the grid must read as zero gradient.
            new Span<float>(grid, GridFloats(g)).Clear();
            for (int n = 0; n < g.Batch; n++)
                Backward(input + (long)n * g.SampleSize, gradient + (long)n * g.OutChannels * g.Positions, g, grid, cells, weightColumnsGradient, biasGradient);
        }
    }

    /// <summary>One call's working memory: a full grid and the nonzero cells' indices, rented together.</summary>
    private readonly struct Scratch : IDisposable
    {
        public Scratch(SparseInputConvolution.Geometry g)
        {
            Grid = ArrayPool<float>.Shared.Rent(GridFloats(g));
            Cells = ArrayPool<int>.Shared.Rent(g.SampleSize + SparseInputConvolution.IndexSlack);
        }

        public float[] Grid { get; }

        public int[] Cells { get; }

        public void Dispose()
        {
            ArrayPool<float>.Shared.Return(Grid);
            ArrayPool<int>.Shared.Return(Cells);
        }
    }

    /// <summary>The convolution of one sample into <paramref name="output"/> <c>[C, Ho, Wo]</c>; <paramref name="grid"/>
    /// holds at least <see cref="GridFloats"/> floats, <paramref name="cells"/> <see cref="SparseInputConvolution.IndexSlack"/>
    /// ints more than a sample has cells.</summary>
    private static unsafe void Forward(float* sample, float* weightColumns, float* bias, SparseInputConvolution.Geometry g, float* grid, int* cells, float* output)
    {
        var layout = Layouts.GetOrAdd(g with { Batch = 0 }, Layout.Build);
        int c = g.OutChannels;
        if (bias is null) new Span<float>(grid, layout.Rows * c).Clear();
        else if (c % 8 == 0)
        {
            for (int j = 0; j < c; j += 8)
            {
                var start = Vector256.Load(bias + j);
                for (int row = 0; row < layout.Rows; row++) Vector256.Store(start, grid + row * c + j);
            }
        }
        else
        {
            for (int row = 0; row < layout.Rows; row++) new ReadOnlySpan<float>(bias, c).CopyTo(new Span<float>(grid + row * c, c));
        }
        EachTap<WeightsIntoOutput>(sample, g, layout, grid, cells, weightColumns);
        for (int oy = 0; oy < g.OutHeight; oy++)
            SparseInputConvolution.TransposeStrided(grid + (layout.WindowRow + oy * layout.Width) * c, g.OutWidth, c, output + oy * g.OutWidth, g.Positions);
    }

    /// <summary>
    /// One sample's weight and bias gradients, added to <paramref name="weightColumnsGradient"/> (<c>[Cin k k, C]</c>) and
    /// <paramref name="biasGradient"/>, from the output gradient <paramref name="gradient"/> <c>[C, Ho, Wo]</c>.
    /// <paramref name="grid"/> must hold zeros outside the window.
    /// </summary>
    private static unsafe void Backward(float* sample, float* gradient, SparseInputConvolution.Geometry g, float* grid, int* cells, float* weightColumnsGradient, float* biasGradient)
    {
        var layout = Layouts.GetOrAdd(g with { Batch = 0 }, Layout.Build);
        int c = g.OutChannels;
        for (int oy = 0; oy < g.OutHeight; oy++)
        {
            float* rows = grid + (layout.WindowRow + oy * layout.Width) * c;
            SparseInputConvolution.TransposeStrided(gradient + oy * g.OutWidth, c, g.OutWidth, rows, c, g.Positions);
            for (int ox = 0; ox < g.OutWidth; ox++) SparseInputConvolution.Axpy(1, rows + ox * c, biasGradient, c);
        }
        // Outputs off the window hold zero gradient, so every tap can be added.
        EachTap<OutputIntoWeights>(sample, g, layout, grid, cells, weightColumnsGradient);
    }

    /// <summary>
    /// The loop both directions share: every tap of every nonzero cell of <paramref name="sample"/>, pairing the cell's
    /// weight column for the tap (in <paramref name="weightColumns"/>) with the output on the grid the tap reaches.
    /// <typeparamref name="TTap"/> says which of the two is added into the other (a struct, so each direction is
    /// compiled with its addition inlined).
    /// </summary>
    private static unsafe void EachTap<TTap>(float* sample, SparseInputConvolution.Geometry g, Layout layout, float* grid, int* cells, float* weightColumns)
        where TTap : struct, ITap
    {
        int c = g.OutChannels, taps = g.Kernel * g.Kernel;
        int count = SparseInputConvolution.FindNonzero(sample, g.SampleSize, cells);
        fixed (int* cellRow = layout.CellRow, cellColumn = layout.CellColumn, tapShift = layout.TapShift)
        {
            for (int k = 0; k < count; k++)
            {
                int cell = cells[k];
                float value = sample[cell];
                float* origin = grid + cellRow[cell];
                float* weights = weightColumns + cellColumn[cell];
                // Tap t sends the cell to the output tapShift[t] rows before the cell's own place on the grid.
                for (int t = 0; t < taps; t++) TTap.Add(value, weights + t * c, origin - tapShift[t], c);
            }
        }
    }

    /// <summary>One tap's addition for a nonzero input cell of value <c>value</c>.</summary>
    private interface ITap
    {
        /// <summary>Adds between the tap's <paramref name="channels"/> weights and the <paramref name="channels"/> outputs it reaches.</summary>
        static abstract unsafe void Add(float value, float* weights, float* outputs, int channels);
    }

    /// <summary>Forward: the output gains value x weights.</summary>
    private readonly struct WeightsIntoOutput : ITap
    {
        public static unsafe void Add(float value, float* weights, float* outputs, int channels) => SparseInputConvolution.Axpy(value, weights, outputs, channels);
    }

    /// <summary>Backward: the weights' gradient gains value x the output's gradient.</summary>
    private readonly struct OutputIntoWeights : ITap
    {
        public static unsafe void Add(float value, float* weights, float* outputs, int channels) => SparseInputConvolution.Axpy(value, outputs, weights, channels);
    }

    /// <summary>Floats of the full grid of <paramref name="g"/>: its rows times the output channels.</summary>
    private static int GridFloats(SparseInputConvolution.Geometry g)
    {
        int k = g.Kernel;
        return (g.Height + 2 * g.Padding + k - 1) * (g.Width + 2 * g.Padding + k - 1) * g.OutChannels;
    }

    /// <summary>Offsets on one geometry's full grid, in floats: each input cell's own place and its channel's weight
    /// columns, each tap's shift back from the cell, and where the convolution's window starts.</summary>
    private sealed class Layout
    {
        public int Width { get; private init; }
        public int Rows { get; private init; }
        public int WindowRow { get; private init; }
        public required int[] CellRow { get; init; }
        public required int[] CellColumn { get; init; }
        public required int[] TapShift { get; init; }

        public static Layout Build(SparseInputConvolution.Geometry g)
        {
            int k = g.Kernel, p = g.Padding, c = g.OutChannels, plane = g.Height * g.Width;
            int width = g.Width + 2 * p + k - 1, height = g.Height + 2 * p + k - 1;
            // Grid row r holds output row r - (k - 1); the cell at (y, x) is read by output (y + p - ky, x + p - kx).
            var cellRow = new int[g.SampleSize];
            var cellColumn = new int[g.SampleSize];
            for (int cell = 0; cell < g.SampleSize; cell++)
            {
                int channel = cell / plane, y = cell % plane / g.Width, x = cell % g.Width;
                cellRow[cell] = ((y + p + k - 1) * width + x + p + k - 1) * c;
                cellColumn[cell] = channel * k * k * c;
            }
            var tapShift = new int[k * k];
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) tapShift[ky * k + kx] = (ky * width + kx) * c;
            return new Layout
            {
                Width = width,
                Rows = width * height,
                WindowRow = (k - 1) * width + k - 1,
                CellRow = cellRow,
                CellColumn = cellColumn,
                TapShift = tapShift,
            };
        }
    }
}
