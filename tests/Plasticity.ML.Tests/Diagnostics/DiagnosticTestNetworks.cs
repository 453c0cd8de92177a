using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

/// <summary>Tiny networks and matrices with known structure for the diagnostics tests.</summary>
internal static class DiagnosticTestNetworks
{
    public static PlasticNetwork Mlp(int inputs, int[] widths, int outputs, ActivationKind activation = ActivationKind.ReLU, long seed = 1) =>
        NetworkFactory.Create(new NetworkSpec
        {
            InputShape = [inputs],
            HiddenWidths = widths,
            Activation = activation,
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = outputs },
        }, seed);

    public static void Set(Tensor parameter, double[] values)
    {
        using var tensors = NewDisposeScope();
        using var noGrad = no_grad();
        using var source = tensor(values).to(parameter.dtype).view(parameter.shape);
        parameter.copy_(source);
    }

    /// <summary>A rows x cols float64 matrix U diag(s) V' with random orthonormal U, V (MathNet QR).</summary>
    public static Tensor WithSingularValues(int rows, int cols, double[] singular, int seed)
    {
        var random = new Random(seed);
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        var u = build.Dense(rows, rows, (_, _) => random.NextDouble() - 0.5).QR().Q;
        var v = build.Dense(cols, cols, (_, _) => random.NextDouble() - 0.5).QR().Q;
        var s = build.Dense(rows, cols);
        for (int i = 0; i < singular.Length; i++) s[i, i] = singular[i];
        var m = u * s * v.Transpose();
        return TensorComparisons.Shaped(m.ToRowMajorArray(), rows, cols);
    }

    /// <summary>A symmetric n x n matrix Q diag(eigen) Q' with random orthogonal Q.</summary>
    public static double[,] WithEigenvalues(double[] eigen, int seed)
    {
        int n = eigen.Length;
        var random = new Random(seed);
        var build = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;
        var q = build.Dense(n, n, (_, _) => random.NextDouble() - 0.5).QR().Q;
        return (q * build.DenseOfDiagonalArray(eigen) * q.Transpose()).ToArray();
    }
}
