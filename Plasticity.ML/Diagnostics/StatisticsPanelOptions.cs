namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Which statistics the <see cref="StatisticsPanel"/> records at a probe point, and on how much data. Serializable.
/// The defaults are the PAPER.md §8.4 panel: C_k at k = 256, the NTK on 32 samples x outputs, a 30-step Lanczos
/// density and a 10-probe Hutchinson trace. On the 784-256-256-10 MLP the panel costs about half of one 2,000-step
/// probe fit (docs/benchmarks.md); the Hessian statistics (Hessian-vector products over the curvature samples) are
/// most of it.
/// </summary>
public sealed record StatisticsPanelOptions
{
    /// <summary>Dead, tau-dormant and linearized units, per layer and in total.</summary>
    public bool Units { get; init; } = true;

    /// <summary>Dormancy thresholds (ReDo tau); 0 counts units that are silent on every sample.</summary>
    public double[] Taus { get; init; } = [0.0, 0.1];

    /// <summary>Samples for the unit and feature statistics (PAPER.md §7.2 uses 2,000).</summary>
    public int ActivationSamples { get; init; } = 2000;

    /// <summary>
    /// Global and per-layer L2 norm, mean |w|, per-layer weight-matrix ranks (srank, stable rank, effective rank,
    /// numerical rank) and, given the learning rate, the effective learning rate of each normalized layer.
    /// </summary>
    public bool Weights { get; init; } = true;

    /// <summary>srank, stable rank, effective rank and numerical rank of the penultimate features, their mean norm and variance.</summary>
    public bool Features { get; init; } = true;

    /// <summary>
    /// Distance of the parameters from their initial values, global, relative and per layer (the
    /// <see cref="StatisticsPanelHook"/> keeps the initial parameters from the start of training).
    /// </summary>
    public bool DistanceFromInitialization { get; init; } = true;

    /// <summary>
    /// Churn: the mean absolute change of the predictions that one update makes on a reference batch it did not train on,
    /// measured by the <see cref="StatisticsPanelHook"/> every <see cref="ChurnEvery"/> steps between probe points and
    /// reported at each point (not at the initial one) as <c>churn</c>; see <see cref="ChurnMeter"/>.
    /// </summary>
    public bool Churn { get; init; } = true;

    /// <summary>Steps between two churn measurements (each costs two forward passes of <see cref="ChurnSamples"/> inputs).</summary>
    public int ChurnEvery { get; init; } = 10;

    /// <summary>Reference observations per churn measurement.</summary>
    public int ChurnSamples { get; init; } = 256;

    /// <summary>delta of srank (weights and features).</summary>
    public double SrankDelta { get; init; } = SpectralRank.DefaultDelta;

    /// <summary>The loss the gradient, Hessian and C_k statistics differentiate.</summary>
    public DiagnosticLossKind Loss { get; init; } = DiagnosticLossKind.Training;

    /// <summary>Samples the gradient norm and Hessian statistics average the loss over.</summary>
    public int CurvatureSamples { get; init; } = 512;

    /// <summary>Norm of the gradient of the loss over the curvature samples.</summary>
    public bool GradientNorm { get; init; } = true;

    /// <summary>Top Hessian eigenvalue by power iteration.</summary>
    public bool HessianTopEigenvalue { get; init; } = true;

    /// <summary>Maximum power iterations (Hessian-vector products).</summary>
    public int PowerIterations { get; init; } = 20;

    /// <summary>Relative change at which power iteration stops.</summary>
    public double PowerTolerance { get; init; } = 1e-3;

    /// <summary>Hessian spectral density by stochastic Lanczos quadrature.</summary>
    public bool HessianDensity { get; init; } = true;

    /// <summary>Lanczos steps m per probe vector.</summary>
    public int LanczosSteps { get; init; } = 30;

    /// <summary>Probe vectors k of the density.</summary>
    public int LanczosProbes { get; init; } = 1;

    /// <summary>Grid points of the smoothed density.</summary>
    public int DensityGridPoints { get; init; } = 200;

    /// <summary>Gaussian kernel width as a fraction of the eigenvalue range.</summary>
    public double DensityBandwidthFraction { get; init; } = 0.01;

    /// <summary>Hessian trace by Hutchinson's estimator.</summary>
    public bool HessianTrace { get; init; } = true;

    /// <summary>Rademacher probes of the trace estimate.</summary>
    public int TraceProbes { get; init; } = 10;

    /// <summary>The normalized per-example gradient covariance C_k and its summaries.</summary>
    public bool GradientCovariance { get; init; } = true;

    /// <summary>k, the examples of C_k (drawn from the curvature samples).</summary>
    public int CovarianceSamples { get; init; } = Diagnostics.GradientCovariance.DefaultSamples;

    /// <summary>Empirical NTK summaries.</summary>
    public bool Ntk { get; init; } = true;

    /// <summary>Samples of the empirical NTK (its size is samples times outputs).</summary>
    public int NtkSamples { get; init; } = 32;

    /// <summary>Keep each probe point's C_k matrix and Hessian density (for heatmaps and curves), not just summaries.</summary>
    public bool KeepArtifacts { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Taus, nameof(Taus));
        if (Taus.Any(t => !(t >= 0) || !double.IsFinite(t))) throw new ArgumentException($"Statistics {nameof(Taus)} must be finite and >= 0.");
        Positive(ActivationSamples, nameof(ActivationSamples));
        Positive(CurvatureSamples, nameof(CurvatureSamples));
        Positive(PowerIterations, nameof(PowerIterations));
        Positive(LanczosSteps, nameof(LanczosSteps));
        Positive(LanczosProbes, nameof(LanczosProbes));
        Positive(TraceProbes, nameof(TraceProbes));
        Positive(CovarianceSamples, nameof(CovarianceSamples));
        Positive(NtkSamples, nameof(NtkSamples));
        Positive(ChurnEvery, nameof(ChurnEvery));
        Positive(ChurnSamples, nameof(ChurnSamples));
        if (DensityGridPoints < 2) throw new ArgumentException($"Statistics {nameof(DensityGridPoints)} must be at least 2; got {DensityGridPoints}.");
        if (!(SrankDelta >= 0 && SrankDelta < 1)) throw new ArgumentException($"Statistics {nameof(SrankDelta)} must be in [0, 1); got {SrankDelta}.");
        if (!(PowerTolerance >= 0)) throw new ArgumentException($"Statistics {nameof(PowerTolerance)} must be >= 0; got {PowerTolerance}.");
        if (!(DensityBandwidthFraction > 0)) throw new ArgumentException($"Statistics {nameof(DensityBandwidthFraction)} must be positive; got {DensityBandwidthFraction}.");
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Unknown statistics {nameof(Loss)} {Loss}.");
    }

    /// <summary>True when some statistic differentiates the loss.</summary>
    internal bool NeedsLoss => GradientNorm || HessianTopEigenvalue || HessianDensity || HessianTrace || GradientCovariance;

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"Statistics {name} must be positive; got {value}.");
    }
}
