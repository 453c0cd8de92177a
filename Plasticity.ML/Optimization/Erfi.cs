namespace Plasticity.ML.Optimization;

/// <summary>
/// The imaginary error function, <c>erfi(x) = -i erf(ix) = (2 / sqrt(pi)) sum_n x^(2n+1) / (n! (2n+1))</c>, in float64.
/// TRAC's scale update needs it; MathNet.Numerics has no erfi.
/// </summary>
/// <remarks>
/// The Maclaurin series has terms of one sign, so summing it loses no digits to cancellation at any x; it is summed
/// until a term no longer changes the sum. erfi grows like <c>exp(x^2) / (x sqrt(pi))</c>: it overflows to infinity
/// above |x| of about 26.6.
/// </remarks>
public static class Erfi
{
    private static readonly double TwoOverRootPi = 2.0 / Math.Sqrt(Math.PI);

    /// <summary>erfi(<paramref name="x"/>); odd, 0 at 0, NaN for NaN, +-infinity beyond the float64 range.</summary>
    public static double Evaluate(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (double.IsInfinity(x)) return x;
        if (Math.Abs(x) > 27) return x > 0 ? double.PositiveInfinity : double.NegativeInfinity;
        double x2 = x * x;
        double power = x; // x^(2n+1) / n!
        double sum = x;
        for (int n = 1; n < 10_000; n++)
        {
            power *= x2 / n;
            double term = power / (2 * n + 1);
            double next = sum + term;
            if (next == sum) break;
            sum = next;
        }
        return TwoOverRootPi * sum;
    }
}
