namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// Shrinks a one-channel byte image by area averaging, the interpolation OpenCV calls <c>INTER_AREA</c> and the
/// usual choice for Atari frames (210x160 to 84x84): each output pixel is the mean of the source pixels its
/// footprint covers, a source pixel cut by the footprint's edge counting with the covered fraction. The result is
/// rounded to the nearest integer (ties to even, as OpenCV's <c>cvRound</c>).
/// </summary>
/// <remarks>
/// The weights are separable (row fraction times column fraction), so the resize runs as a horizontal pass into a
/// float buffer and a vertical pass; the per-axis weight tables are computed once per size.
/// </remarks>
public sealed class AreaResize
{
    private readonly Axis _rows;
    private readonly Axis _columns;
    private readonly float[] _horizontal;

    /// <summary>Prepares a resize from <paramref name="sourceHeight"/> x <paramref name="sourceWidth"/> to <paramref name="targetHeight"/> x <paramref name="targetWidth"/>.</summary>
    /// <param name="sourceHeight">Rows of the source image.</param>
    /// <param name="sourceWidth">Columns of the source image.</param>
    /// <param name="targetHeight">Rows of the result, 1 .. <paramref name="sourceHeight"/>.</param>
    /// <param name="targetWidth">Columns of the result, 1 .. <paramref name="sourceWidth"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the target is larger than the source (area averaging only shrinks).</exception>
    public AreaResize(int sourceHeight, int sourceWidth, int targetHeight, int targetWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        if (targetHeight < 1 || targetHeight > sourceHeight)
            throw new ArgumentOutOfRangeException(nameof(targetHeight), targetHeight, $"The target height must be in 1..{sourceHeight} (the source height): area averaging only shrinks.");
        if (targetWidth < 1 || targetWidth > sourceWidth)
            throw new ArgumentOutOfRangeException(nameof(targetWidth), targetWidth, $"The target width must be in 1..{sourceWidth} (the source width): area averaging only shrinks.");
        SourceHeight = sourceHeight;
        SourceWidth = sourceWidth;
        TargetHeight = targetHeight;
        TargetWidth = targetWidth;
        _rows = new Axis(sourceHeight, targetHeight);
        _columns = new Axis(sourceWidth, targetWidth);
        _horizontal = new float[sourceHeight * targetWidth];
    }

    /// <summary>Rows of the source image.</summary>
    public int SourceHeight { get; }

    /// <summary>Columns of the source image.</summary>
    public int SourceWidth { get; }

    /// <summary>Rows of the result.</summary>
    public int TargetHeight { get; }

    /// <summary>Columns of the result.</summary>
    public int TargetWidth { get; }

    /// <summary>Resizes <paramref name="source"/> (row-major) into <paramref name="destination"/> (row-major). Not thread-safe (one scratch buffer per instance).</summary>
    /// <param name="source">Exactly <see cref="SourceHeight"/> x <see cref="SourceWidth"/> bytes.</param>
    /// <param name="destination">Exactly <see cref="TargetHeight"/> x <see cref="TargetWidth"/> bytes.</param>
    /// <exception cref="ArgumentException">A buffer has the wrong size.</exception>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != SourceHeight * SourceWidth)
            throw new ArgumentException($"source has {source.Length} bytes; a {SourceHeight}x{SourceWidth} image has {SourceHeight * SourceWidth}.", nameof(source));
        if (destination.Length != TargetHeight * TargetWidth)
            throw new ArgumentException($"destination has {destination.Length} bytes; a {TargetHeight}x{TargetWidth} image has {TargetHeight * TargetWidth}.", nameof(destination));
        var h = _horizontal.AsSpan();
        for (int r = 0; r < SourceHeight; r++)
        {
            var row = source.Slice(r * SourceWidth, SourceWidth);
            var outRow = h.Slice(r * TargetWidth, TargetWidth);
            for (int c = 0; c < TargetWidth; c++)
            {
                int start = _columns.Start[c], end = _columns.Start[c + 1];
                float sum = 0;
                for (int k = start; k < end; k++) sum += _columns.Weight[k] * row[_columns.Index[k]];
                outRow[c] = sum;
            }
        }
        for (int r = 0; r < TargetHeight; r++)
        {
            var outRow = destination.Slice(r * TargetWidth, TargetWidth);
            int start = _rows.Start[r], end = _rows.Start[r + 1];
            for (int c = 0; c < TargetWidth; c++)
            {
                float sum = 0;
                for (int k = start; k < end; k++) sum += _rows.Weight[k] * h[_rows.Index[k] * TargetWidth + c];
                outRow[c] = (byte)Math.Clamp(MathF.Round(sum), 0f, 255f);
            }
        }
    }

    /// <summary>One axis's weights: output i averages source Index[k] with Weight[k] for k in Start[i]..Start[i+1).</summary>
    private sealed class Axis
    {
        public readonly int[] Start;
        public readonly int[] Index;
        public readonly float[] Weight;

        public Axis(int source, int target)
        {
            // Output i covers the source interval [i*scale, (i+1)*scale); a source pixel j covers [j, j+1).
            double scale = (double)source / target;
            var start = new int[target + 1];
            var index = new List<int>();
            var weight = new List<float>();
            for (int i = 0; i < target; i++)
            {
                start[i] = index.Count;
                double from = i * scale, to = (i + 1) * scale;
                int first = (int)Math.Floor(from), last = Math.Min(source - 1, (int)Math.Ceiling(to) - 1);
                for (int j = first; j <= last; j++)
                {
                    double overlap = Math.Min(to, j + 1) - Math.Max(from, j);
                    if (overlap <= 1e-9) continue;
                    index.Add(j);
                    weight.Add((float)(overlap / scale));
                }
            }
            start[target] = index.Count;
            Start = start;
            Index = [.. index];
            Weight = [.. weight];
        }
    }
}
