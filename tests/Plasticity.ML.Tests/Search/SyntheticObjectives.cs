using Plasticity.ML.Common;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Tests.Search;

/// <summary>Objectives with known optima for the tuner tests (pure C#, float64).</summary>
public static class SyntheticObjectives
{
    /// <summary>Branin's global minimum value, reached at (-pi, 12.275), (pi, 2.275) and (9.42478, 2.475).</summary>
    public const double BraninMinimum = 0.397887357729738;

    /// <summary>The three global minimizers of Branin.</summary>
    public static readonly (double X, double Y)[] BraninMinimizers = [(-Math.PI, 12.275), (Math.PI, 2.275), (9.42477796076938, 2.475)];

    /// <summary>Branin-Hoo on x in [-5, 10], y in [0, 15].</summary>
    public static double Branin(double x, double y)
    {
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        double u = y - b * x * x + c * x - r;
        return a * u * u + s * (1 - t) * Math.Cos(x) + s;
    }

    /// <summary>Branin's domain; the defaults are its centre (2.5, 7.5), where a local search starts.</summary>
    public static SearchSpace BraninSpace() => new([new RangeParameter("x", -5, 10, 2.5), new RangeParameter("y", 0, 15, 7.5)]);

    /// <summary>Branin at a parameter set of <see cref="BraninSpace"/>.</summary>
    public static double Branin(ParameterSet p) => Branin(p.GetNumber("x"), p.GetNumber("y"));

    /// <summary>
    /// A quadratic bowl over <paramref name="dimension"/> parameters "x0", "x1", ... on [0, 1], minimum 0 at
    /// <see cref="QuadraticCentre"/>, defaults 0.5.
    /// </summary>
    public static SearchSpace QuadraticSpace(int dimension) =>
        new(Enumerable.Range(0, dimension).Select(i => new RangeParameter($"x{i}", 0, 1, 0.5)));

    /// <summary>Where the quadratic's minimum lies in coordinate <paramref name="i"/>.</summary>
    public static double QuadraticCentre(int i) => 0.2 + 0.15 * (i % 4);

    /// <summary>The quadratic <c>sum_i (x_i - c_i)^2</c> at a parameter set of <see cref="QuadraticSpace"/>.</summary>
    public static double Quadratic(ParameterSet p)
    {
        double sum = 0;
        int i = 0;
        foreach (var (_, value) in p)
        {
            double d = value.Number - QuadraticCentre(i++);
            sum += d * d;
        }
        return sum;
    }

    /// <summary>
    /// A noisy multi-fidelity version of <see cref="Quadratic"/> on fidelities 1 to R (<paramref name="maxFidelity"/>),
    /// shaped like learning curves: at fidelity r the observation is the quadratic plus <c>0.3·(1 + x0)·(1/r - 1/R)</c>
    /// (configurations with a larger x0 learn more slowly, so low fidelities are biased against them and their
    /// optimum sits at a smaller x0) plus Gaussian noise of standard deviation <c>0.05·(1/sqrt(r) - 1/sqrt(R)) + 0.002</c>.
    /// At r = R it is the quadratic up to noise 0.002. The noise is a deterministic function of
    /// (<paramref name="seed"/>, <paramref name="trial"/>).
    /// </summary>
    public static double MultiFidelity(ParameterSet p, long fidelity, long maxFidelity, long seed, int trial)
    {
        double bias = 0.3 * (1 + p.GetNumber("x0")) * (1.0 / fidelity - 1.0 / maxFidelity);
        double sd = 0.05 * (1 / Math.Sqrt(fidelity) - 1 / Math.Sqrt(maxFidelity)) + 0.002;
        double noise = SeedSequence.CreateRandom(seed, "multi-fidelity-noise", trial).NextGaussian();
        return Quadratic(p) + bias + sd * noise;
    }
}
