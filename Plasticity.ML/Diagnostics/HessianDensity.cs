namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The Hessian eigenvalue density from stochastic Lanczos quadrature: the raw quadrature (Ritz values and
/// weights per probe) and the Gaussian-smoothed density on a grid, which integrates to about 1.
/// </summary>
public sealed record HessianDensity
{
    /// <summary>Ritz values (Gauss quadrature nodes) of each probe vector, ascending.</summary>
    public required double[][] Nodes { get; init; }

    /// <summary>Weights of each node (squared first components of the Ritz vectors); each probe's sum to 1.</summary>
    public required double[][] Weights { get; init; }

    /// <summary>Eigenvalue grid (ascending, equally spaced).</summary>
    public required double[] Grid { get; init; }

    /// <summary>Smoothed density at each grid point, averaged over probes.</summary>
    public required double[] Density { get; init; }

    /// <summary>Standard deviation of the Gaussian kernel used for smoothing.</summary>
    public double Bandwidth { get; init; }

    /// <summary>Lanczos steps per probe requested (a probe stops early if its Krylov space is exhausted).</summary>
    public int Steps { get; init; }

    /// <summary>The smallest node over all probes (an estimate of lambda_min).</summary>
    public double MinEigenvalue => Nodes.SelectMany(n => n).DefaultIfEmpty(0).Min();

    /// <summary>The largest node over all probes (an estimate of lambda_max; Lanczos finds extremes quickly).</summary>
    public double MaxEigenvalue => Nodes.SelectMany(n => n).DefaultIfEmpty(0).Max();
}
