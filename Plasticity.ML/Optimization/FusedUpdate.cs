using System.Numerics;

namespace Plasticity.ML.Optimization;

/// <summary>Scalars of one Adam/AdamW step, with the bias corrections folded in (see <see cref="FusedUpdate.Adam{T}"/>).</summary>
/// <param name="Beta1">First-moment decay.</param>
/// <param name="Beta2">Second-moment decay.</param>
/// <param name="CoupledDecay">Adam's L2 coefficient added to the gradient (0 for AdamW).</param>
/// <param name="DecoupledScale">AdamW's parameter shrink factor <c>1 - lr * wd</c> (1 for Adam).</param>
/// <param name="EpsilonInside">Epsilon inside the square root, already multiplied by the second bias correction.</param>
/// <param name="EpsilonOutside">Epsilon outside the square root, already multiplied by sqrt of the second bias correction.</param>
/// <param name="StepSize">lr * sqrt(bias2) / bias1.</param>
internal readonly record struct AdamScalars(
    double Beta1, double Beta2, double CoupledDecay, double DecoupledScale, double EpsilonInside, double EpsilonOutside, double StepSize);

/// <summary>Scalars of one SGD step.</summary>
/// <param name="LearningRate">Step size.</param>
/// <param name="Momentum">Momentum (0 for none).</param>
/// <param name="Nesterov">Nesterov look-ahead.</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
internal readonly record struct SgdScalars(double LearningRate, double Momentum, bool Nesterov, double WeightDecay);

/// <summary>Scalars of one RMSProp step.</summary>
/// <param name="LearningRate">Step size.</param>
/// <param name="Alpha">Decay of the running averages.</param>
/// <param name="Momentum">Momentum (0 for none).</param>
/// <param name="WeightDecay">Coupled L2 coefficient.</param>
/// <param name="EpsilonInside">Epsilon under the square root.</param>
/// <param name="EpsilonOutside">Epsilon added to the square root.</param>
internal readonly record struct RmsPropScalars(double LearningRate, double Alpha, double Momentum, double WeightDecay, double EpsilonInside, double EpsilonOutside);

/// <summary>
/// Optimizer updates as one fused, vectorized pass over contiguous CPU buffers.
/// </summary>
/// <remarks>
/// Why: on small networks an update expressed as tensor ops costs one full read/write pass (and often a temporary) per
/// op; Adam is six or more passes, each paying libtorch's dispatch overhead. One pass that reads p, g, m, v once and
/// writes p, m, v once is memory-bound instead of dispatch-bound (measured in the benchmark project). Large buffers are
/// split across <c>threads</c> workers in cache-sized chunks. Arithmetic is ordered as in <c>torch.optim</c>
/// (no fused multiply-add), so trajectories agree to float rounding.
/// </remarks>
internal static unsafe class FusedUpdate
{
    /// <summary>Below this many elements per worker, a second worker costs more than it saves.</summary>
    private const long MinimumElementsPerWorker = 1 << 17;

    /// <summary>Adam/AdamW over <paramref name="length"/> elements: m, v and p updated in place.</summary>
    public static void Adam<T>(T* p, T* g, T* m, T* v, long length, in AdamScalars s, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scalars = s;
        if (threads <= 1 || length < 2 * MinimumElementsPerWorker)
        {
            AdamRange(p, g, m, v, length, scalars);
            return;
        }
        nint pa = (nint)p, ga = (nint)g, ma = (nint)m, va = (nint)v;
        Partition(length, threads, (start, count) =>
            AdamRange((T*)pa + start, (T*)ga + start, (T*)ma + start, (T*)va + start, count, scalars));
    }

    /// <summary>SGD (momentum, Nesterov, coupled decay) over <paramref name="length"/> elements; <paramref name="buffer"/> may be null without momentum.</summary>
    public static void Sgd<T>(T* p, T* g, T* buffer, long length, in SgdScalars s, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scalars = s;
        if (threads <= 1 || length < 2 * MinimumElementsPerWorker)
        {
            SgdRange(p, g, buffer, length, scalars);
            return;
        }
        nint pa = (nint)p, ga = (nint)g, ba = (nint)buffer;
        Partition(length, threads, (start, count) =>
            SgdRange((T*)pa + start, (T*)ga + start, ba == 0 ? null : (T*)ba + start, count, scalars));
    }

    /// <summary>
    /// RMSProp over <paramref name="length"/> elements: the square average, the gradient average (centered; null
    /// otherwise), the momentum buffer (null without momentum) and p updated in place.
    /// </summary>
    public static void RmsProp<T>(T* p, T* g, T* square, T* gradientAverage, T* buffer, long length, in RmsPropScalars s, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scalars = s;
        if (threads <= 1 || length < 2 * MinimumElementsPerWorker)
        {
            RmsPropRange(p, g, square, gradientAverage, buffer, length, scalars);
            return;
        }
        nint pa = (nint)p, ga = (nint)g, sa = (nint)square, aa = (nint)gradientAverage, ba = (nint)buffer;
        Partition(length, threads, (start, count) =>
            RmsPropRange((T*)pa + start, (T*)ga + start, (T*)sa + start, aa == 0 ? null : (T*)aa + start, ba == 0 ? null : (T*)ba + start, count, scalars));
    }

    private static void Partition(long length, int threads, Action<long, long> body)
    {
        int workers = (int)Math.Clamp(length / MinimumElementsPerWorker, 1, Math.Max(1, threads));
        if (workers == 1)
        {
            body(0, length);
            return;
        }
        // Chunks aligned to 64 elements keep each worker's vector loop free of a scalar tail except the last.
        long chunk = (length + workers - 1) / workers;
        chunk = (chunk + 63) & ~63L;
        Parallel.For(0, workers, w =>
        {
            long start = w * chunk;
            if (start < length) body(start, Math.Min(chunk, length - start));
        });
    }

    private static void AdamRange<T>(T* p, T* g, T* m, T* v, long n, AdamScalars s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T b1 = T.CreateTruncating(s.Beta1), c1 = T.CreateTruncating(1 - s.Beta1);
        T b2 = T.CreateTruncating(s.Beta2), c2 = T.CreateTruncating(1 - s.Beta2);
        T wd = T.CreateTruncating(s.CoupledDecay), shrink = T.CreateTruncating(s.DecoupledScale);
        T epsIn = T.CreateTruncating(s.EpsilonInside), epsOut = T.CreateTruncating(s.EpsilonOutside);
        T step = T.CreateTruncating(s.StepSize);
        bool coupled = s.CoupledDecay != 0, decoupled = s.DecoupledScale != 1;
        long i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vb1 = new Vector<T>(b1); var vc1 = new Vector<T>(c1);
            var vb2 = new Vector<T>(b2); var vc2 = new Vector<T>(c2);
            var vwd = new Vector<T>(wd); var vshrink = new Vector<T>(shrink);
            var vepsIn = new Vector<T>(epsIn); var vepsOut = new Vector<T>(epsOut);
            var vstep = new Vector<T>(step);
            for (; i <= n - width; i += width)
            {
                var pi = Vector.Load(p + i);
                var gi = Vector.Load(g + i);
                if (coupled) gi += vwd * pi;
                if (decoupled) pi *= vshrink;
                var mi = Vector.Load(m + i) * vb1 + gi * vc1;
                var vi = Vector.Load(v + i) * vb2 + gi * gi * vc2;
                var denominator = Vector.SquareRoot(vi + vepsIn) + vepsOut;
                (pi - vstep * mi / denominator).Store(p + i);
                mi.Store(m + i);
                vi.Store(v + i);
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i], gi = g[i];
            if (coupled) gi += wd * pi;
            if (decoupled) pi *= shrink;
            T mi = m[i] * b1 + gi * c1;
            T vi = v[i] * b2 + gi * gi * c2;
            p[i] = pi - step * mi / (T.Sqrt(vi + epsIn) + epsOut);
            m[i] = mi;
            v[i] = vi;
        }
    }

    private static void RmsPropRange<T>(T* p, T* g, T* square, T* gradientAverage, T* buffer, long n, RmsPropScalars s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateTruncating(s.LearningRate), wd = T.CreateTruncating(s.WeightDecay), mu = T.CreateTruncating(s.Momentum);
        T alpha = T.CreateTruncating(s.Alpha), oneMinusAlpha = T.CreateTruncating(1 - s.Alpha);
        T epsIn = T.CreateTruncating(s.EpsilonInside), epsOut = T.CreateTruncating(s.EpsilonOutside);
        bool coupled = s.WeightDecay != 0, centered = gradientAverage != null, momentum = buffer != null;
        long i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vlr = new Vector<T>(lr); var vwd = new Vector<T>(wd); var vmu = new Vector<T>(mu);
            var valpha = new Vector<T>(alpha); var vc = new Vector<T>(oneMinusAlpha);
            var vepsIn = new Vector<T>(epsIn); var vepsOut = new Vector<T>(epsOut);
            for (; i <= n - width; i += width)
            {
                var pi = Vector.Load(p + i);
                var gi = Vector.Load(g + i);
                if (coupled) gi += vwd * pi;
                var si = Vector.Load(square + i) * valpha + vc * gi * gi;
                si.Store(square + i);
                var spread = si;
                if (centered)
                {
                    var ai = Vector.Load(gradientAverage + i) * valpha + vc * gi;
                    ai.Store(gradientAverage + i);
                    // E[g^2] - E[g]^2 is never negative in exact arithmetic; clamping at 0 keeps rounding from making NaN.
                    spread = Vector.Max(si - ai * ai, Vector<T>.Zero);
                }
                var denominator = Vector.SquareRoot(spread + vepsIn) + vepsOut;
                if (momentum)
                {
                    var bi = Vector.Load(buffer + i) * vmu + gi / denominator;
                    bi.Store(buffer + i);
                    (pi - vlr * bi).Store(p + i);
                }
                else
                {
                    (pi - vlr * (gi / denominator)).Store(p + i);
                }
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i], gi = g[i];
            if (coupled) gi += wd * pi;
            T si = square[i] * alpha + oneMinusAlpha * gi * gi;
            square[i] = si;
            T spread = si;
            if (centered)
            {
                T ai = gradientAverage[i] * alpha + oneMinusAlpha * gi;
                gradientAverage[i] = ai;
                spread = T.Max(si - ai * ai, T.Zero);
            }
            T denominator = T.Sqrt(spread + epsIn) + epsOut;
            if (momentum)
            {
                T bi = buffer[i] * mu + gi / denominator;
                buffer[i] = bi;
                p[i] = pi - lr * bi;
            }
            else
            {
                p[i] = pi - lr * (gi / denominator);
            }
        }
    }

    private static void SgdRange<T>(T* p, T* g, T* buffer, long n, SgdScalars s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T lr = T.CreateTruncating(s.LearningRate), mu = T.CreateTruncating(s.Momentum), wd = T.CreateTruncating(s.WeightDecay);
        bool coupled = s.WeightDecay != 0, momentum = buffer != null, nesterov = s.Nesterov;
        long i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            int width = Vector<T>.Count;
            var vlr = new Vector<T>(lr); var vmu = new Vector<T>(mu); var vwd = new Vector<T>(wd);
            for (; i <= n - width; i += width)
            {
                var pi = Vector.Load(p + i);
                var di = Vector.Load(g + i);
                if (coupled) di += vwd * pi;
                if (momentum)
                {
                    var bi = Vector.Load(buffer + i) * vmu + di;
                    bi.Store(buffer + i);
                    di = nesterov ? di + vmu * bi : bi;
                }
                (pi - vlr * di).Store(p + i);
            }
        }
        for (; i < n; i++)
        {
            T pi = p[i], di = g[i];
            if (coupled) di += wd * pi;
            if (momentum)
            {
                T bi = buffer[i] * mu + di;
                buffer[i] = bi;
                di = nesterov ? di + mu * bi : bi;
            }
            p[i] = pi - lr * di;
        }
    }
}
