using Plasticity.ML.Common;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>Shared helpers for symmetric Gram matrices (C_k, the eNTK): conversion and eigenvalues in float64.</summary>
internal static class GramSpectrum
{
    /// <summary>A square tensor as a float64 jagged array.</summary>
    public static double[][] ToArray(Tensor gram)
    {
        int n = (int)gram.shape[0];
        using var cpu = gram.ToCpuFloat64();
        var flat = cpu.data<double>().ToArray();
        if (flat.Any(v => !double.IsFinite(v))) throw new ArithmeticException("The Gram matrix has NaN or infinite entries.");
        return Enumerable.Range(0, n).Select(i => flat.AsSpan(i * n, n).ToArray()).ToArray();
    }

    /// <summary>Eigenvalues of the symmetrized matrix, descending.</summary>
    public static double[] Eigenvalues(double[][] matrix)
    {
        int n = matrix.Length;
        if (n == 0) return [];
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => 0.5 * (matrix[i][j] + matrix[j][i]));
        return m.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderByDescending(v => v).ToArray();
    }

    /// <summary>exp(entropy) of the positive part of the eigenvalues (a PSD Gram matrix has no negative ones beyond round-off).</summary>
    public static double EffectiveRank(double[] eigenvalues) => SpectralRank.EffectiveRank(eigenvalues.Select(v => Math.Max(v, 0)).ToArray());

    /// <summary>Mean and fraction of negative entries off the diagonal.</summary>
    public static (double Mean, double FractionNegative) OffDiagonal(double[][] matrix)
    {
        int n = matrix.Length;
        if (n < 2) return (double.NaN, double.NaN);
        double sum = 0;
        long negative = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                sum += matrix[i][j];
                if (matrix[i][j] < 0) negative++;
            }
        double count = (double)n * (n - 1);
        return (sum / count, negative / count);
    }
}
