using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The empirical neural tangent kernel K(x, x')_ab = &lt;d f_a(x)/d theta, d f_b(x')/d theta&gt; of the decoded
/// prediction (Lyle et al. 2024), on a small sample: one backward pass per output over the whole sample
/// (<see cref="AffineGradientGram"/>), or one per sample and output when examples interact (BatchNorm in training mode).
/// </summary>
public static class EmpiricalNtk
{
    /// <summary>The Gram matrix over <paramref name="inputs"/> <c>[n, features]</c>, rows ordered sample-major.</summary>
    public static double[][] Gram(PlasticNetwork network, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        int n = (int)inputs.shape[0];
        if (n == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));
        int outputs = network.Spec.Head.Outputs;
        if (AffineGradientGram.Supports(network))
        {
            using var gram = AffineGradientGram.Compute(network, inputs,
                raw =>
                {
                    var prediction = network.DecodeOutput(raw);
                    return Enumerable.Range(0, outputs).Select(a =>
                    {
                        using var column = prediction.select(1, a);
                        return column.sum();
                    }).ToArray();
                });
            return GramSpectrum.ToArray(gram);
        }
        return GramByExample(network, inputs);
    }

    /// <summary>The Gram matrix from one backward pass per sample and output: any architecture.</summary>
    internal static double[][] GramByExample(PlasticNetwork network, Tensor inputs)
    {
        int n = (int)inputs.shape[0];
        var parameters = network.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray();
        int outputs = network.Spec.Head.Outputs;
        using var scope = NewDisposeScope();
        // float32 rows for float32 networks (memory); a float64 network keeps float64.
        var jacobian = zeros(n * outputs, ParameterVector.Dimension(parameters), dtype: parameters[0].dtype);
        for (int i = 0; i < n; i++)
        {
            using var sample = NewDisposeScope();
            using var enable = enable_grad();
            var prediction = network.Predict(inputs.narrow(0, i, 1)).reshape(-1);
            for (int a = 0; a < outputs; a++)
            {
                var grads = autograd.grad([prediction[a]], parameters, null, a < outputs - 1, false, true);
                using var noGrad = no_grad();
                jacobian[i * outputs + a].copy_(ParameterVector.Flatten(grads.Select(t => (Tensor?)t).ToArray(), parameters));
            }
        }
        using var noGrad2 = no_grad();
        return GramSpectrum.ToArray(jacobian.matmul(jacobian.t()));
    }

    /// <summary>Computes K in evaluation mode and summarizes it.</summary>
    public static NtkSummary Measure(PlasticNetwork network, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        using (EvaluationMode.Enter(network))
        {
            return Summarize(Gram(network, inputs));
        }
    }

    /// <summary>Summaries of a symmetric positive semi-definite Gram matrix.</summary>
    public static NtkSummary Summarize(double[][] gram)
    {
        ArgumentNullException.ThrowIfNull(gram);
        int n = gram.Length;
        if (n == 0 || gram.Any(r => r.Length != n)) throw new ArgumentException("The Gram matrix must be square and non-empty.", nameof(gram));
        var eigen = GramSpectrum.Eigenvalues(gram);
        double trace = Enumerable.Range(0, n).Sum(i => gram[i][i]);
        var cosine = new double[n][];
        for (int i = 0; i < n; i++)
        {
            cosine[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                double d = Math.Sqrt(gram[i][i] * gram[j][j]);
                cosine[i][j] = d > 0 ? gram[i][j] / d : 0;
            }
        }
        return new NtkSummary
        {
            Size = n,
            MeanDiagonal = trace / n,
            TopEigenvalueFraction = trace > 0 ? Math.Max(eigen[0], 0) / trace : 0,
            EffectiveRank = GramSpectrum.EffectiveRank(eigen),
            MeanOffDiagonalCosine = GramSpectrum.OffDiagonal(cosine).Mean,
        };
    }
}
