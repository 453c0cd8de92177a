using System.Diagnostics;
using System.Globalization;
using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Measures a configurable set of mechanism statistics (PAPER.md §8.4) on a network and a data sample, timing each
/// group. The network's parameters are not changed; it runs in evaluation mode and its mode is restored.
/// </summary>
/// <remarks>
/// Statistic names (layer index l counts hidden layers for units, parameter layers for weights):
/// <list type="bullet">
/// <item>units (<see cref="UnitActivity"/>): deadFraction, linearizedFraction, dormantFraction.tau{tau}, activeFraction, and
/// per layer the same with .layer{l}.</item>
/// <item>weights: weightNorm, meanAbsWeight, and per layer weightNorm.layer{l}, meanAbsWeight.layer{l},
/// weightRank.layer{l}, weightSrank.layer{l}, weightStableRank.layer{l}, weightEffectiveRank.layer{l}; given a learning
/// rate, effectiveLearningRate.layer{l} for each hidden layer with normalization (<see cref="EffectiveLearningRate"/>).</item>
/// <item>features (<see cref="FeatureStatistics"/>): featureRank, featureSrank, featureStableRank, featureEffectiveRank,
/// featureMaxSingularValue, featureNorm, featureVariance.</item>
/// <item>distance (given the initial parameters; <see cref="ParameterDistance"/>): distanceFromInit,
/// relativeDistanceFromInit, distanceFromInit.layer{l}.</item>
/// <item>loss (whenever a gradient statistic runs): diagnosticLoss, the value of the <see cref="DiagnosticObjective"/>.</item>
/// <item>gradientNorm; hessianTopEigenvalue; hessianTrace; hessianDensityMin, hessianDensityMax (extreme Ritz values).</item>
/// <item>gradientCovarianceMeanOffDiagonal, gradientCovarianceFractionNegative, gradientCovarianceEffectiveRank.</item>
/// <item>ntkTopEigenvalueFraction, ntkEffectiveRank, ntkMeanDiagonal, ntkMeanOffDiagonalCosine.</item>
/// </list>
/// Srank is srank_delta (Kumar et al. 2021), what Dohare et al. and Plasticine call the stable rank; StableRank is
/// <c>||A||_F^2 / ||A||_2^2</c> (Rudelson and Vershynin). The <see cref="StatisticsPanelHook"/> adds churn between points.
/// Seconds are recorded per group: units, weights, features, distance, gradientNorm, hessianSetup (building the double-backward
/// graph, shared by the three Hessian statistics), hessianTopEigenvalue, hessianDensity, hessianTrace,
/// gradientCovariance, ntk, and panel (everything).
/// </remarks>
public sealed class StatisticsPanel
{
    /// <summary>Creates a panel.</summary>
    public StatisticsPanel(StatisticsPanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public StatisticsPanelOptions Options { get; }

    /// <summary>Measures the panel.</summary>
    /// <param name="network">The network (parameters unchanged).</param>
    /// <param name="inputs">Sample inputs <c>[N, features]</c>; subsets are drawn from them by <paramref name="seed"/>.</param>
    /// <param name="objective">The training objective; needed when <see cref="StatisticsPanelOptions.Loss"/> is Training.</param>
    /// <param name="preparedTargets">Targets prepared by <paramref name="objective"/>, one row per input.</param>
    /// <param name="seed">Decides the subsets and every random vector; keep it fixed along a run for comparable points.</param>
    /// <param name="initialParameters">The network's parameters when training started (one tensor per parameter), for the
    /// distance from initialization; null skips it.</param>
    /// <param name="learningRate">The optimizer's learning rate, for the effective learning rates; NaN skips them.</param>
    public StatisticsPanelResult Measure(PlasticNetwork network, Tensor inputs, TrainingObjective? objective, Tensor? preparedTargets, long seed,
        IReadOnlyList<Tensor>? initialParameters = null, double learningRate = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        int n = (int)inputs.shape[0];
        if (n == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));
        bool training = Options.Loss == DiagnosticLossKind.Training && Options.NeedsLoss;
        if (training && (objective is null || preparedTargets is null))
            throw new ArgumentException("The Training loss needs the training objective and prepared targets; pass them or use DiagnosticLossKind.Probe.");
        if (preparedTargets is not null && preparedTargets.shape[0] != n)
            throw new ArgumentException($"{n} inputs but {preparedTargets.shape[0]} targets.", nameof(preparedTargets));

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = Stopwatch.StartNew();
        GradientCovarianceResult? covariance = null;
        int[]? covarianceRows = null;
        HessianDensity? density = null;
        using (EvaluationMode.Enter(network))
        {
            using var scope = NewDisposeScope();
            if (Options.Units || Options.Features)
            {
                using var sample = Subset(inputs, Options.ActivationSamples, seed, "activations", out _);
                if (Options.Units) Time(seconds, "units", () => AddUnits(values, UnitActivity.Measure(network, sample, Options.Taus)));
                if (Options.Features) Time(seconds, "features", () => AddFeatures(values, FeatureStatistics.Measure(network, sample, Options.SrankDelta)));
            }
            if (Options.Weights)
                Time(seconds, "weights", () =>
                {
                    AddWeights(values, WeightStatistics.Measure(network, Options.SrankDelta));
                    if (double.IsFinite(learningRate) && learningRate > 0)
                    {
                        var rates = EffectiveLearningRate.PerLayer(network, learningRate);
                        for (int l = 0; l < rates.Length; l++)
                            if (double.IsFinite(rates[l])) values[$"effectiveLearningRate.layer{l}"] = rates[l];
                    }
                });
            if (Options.DistanceFromInitialization && initialParameters is not null)
                Time(seconds, "distance", () =>
                {
                    var distance = ParameterDistance.Measure(network, initialParameters);
                    values["distanceFromInit"] = distance.Global;
                    values["relativeDistanceFromInit"] = distance.Relative;
                    for (int l = 0; l < distance.Layers.Length; l++) values[$"distanceFromInit.layer{l}"] = distance.Layers[l];
                });

            if (Options.NeedsLoss)
            {
                using var x = Subset(inputs, Options.CurvatureSamples, seed, "curvature", out var rows);
                using var diagnostic = training
                    ? DiagnosticObjective.ForTraining(network, objective!, x, preparedTargets!.index_select(0, tensor(rows.Select(r => (long)r).ToArray())))
                    : DiagnosticObjective.ForProbe(network, x, SeedSequence.Derive(seed, "probe-objective"));
                if (Options.GradientNorm) Time(seconds, "gradientNorm", () => values["gradientNorm"] = diagnostic.GradientNorm());
                if (Options.HessianTopEigenvalue || Options.HessianDensity || Options.HessianTrace)
                {
                    HessianOperator? hessian = null;
                    try
                    {
                        Time(seconds, "hessianSetup", () => hessian = diagnostic.Hessian());
                        values["diagnosticLoss"] = hessian!.LossValue;
                        if (Options.HessianTopEigenvalue)
                            Time(seconds, "hessianTopEigenvalue", () => values["hessianTopEigenvalue"] = PowerIteration.TopEigenvalue(
                                hessian, SeedSequence.Derive(seed, "power"), Options.PowerIterations, Options.PowerTolerance).Eigenvalue);
                        if (Options.HessianDensity)
                            Time(seconds, "hessianDensity", () =>
                            {
                                density = StochasticLanczosQuadrature.Estimate(hessian, SeedSequence.Derive(seed, "lanczos"), Options.LanczosSteps,
                                    Options.LanczosProbes, Options.DensityGridPoints, Options.DensityBandwidthFraction);
                                values["hessianDensityMin"] = density.MinEigenvalue;
                                values["hessianDensityMax"] = density.MaxEigenvalue;
                            });
                        if (Options.HessianTrace)
                            Time(seconds, "hessianTrace", () => values["hessianTrace"] = HutchinsonTrace.Estimate(hessian, SeedSequence.Derive(seed, "trace"), Options.TraceProbes).Trace);
                    }
                    finally
                    {
                        hessian?.Dispose();
                    }
                }
                if (Options.GradientCovariance)
                    Time(seconds, "gradientCovariance", () =>
                    {
                        covariance = GradientCovariance.Measure(diagnostic, Options.CovarianceSamples, SeedSequence.Derive(seed, "covariance"));
                        covarianceRows = covariance.Rows.Select(r => rows[r]).ToArray();
                        values["gradientCovarianceMeanOffDiagonal"] = covariance.MeanOffDiagonal;
                        values["gradientCovarianceFractionNegative"] = covariance.FractionNegative;
                        values["gradientCovarianceEffectiveRank"] = covariance.EffectiveRank;
                    });
            }
            if (Options.Ntk)
            {
                using var x = Subset(inputs, Options.NtkSamples, seed, "ntk", out _);
                Time(seconds, "ntk", () =>
                {
                    var ntk = EmpiricalNtk.Measure(network, x);
                    values["ntkTopEigenvalueFraction"] = ntk.TopEigenvalueFraction;
                    values["ntkEffectiveRank"] = ntk.EffectiveRank;
                    values["ntkMeanDiagonal"] = ntk.MeanDiagonal;
                    values["ntkMeanOffDiagonalCosine"] = ntk.MeanOffDiagonalCosine;
                });
            }
        }
        seconds["panel"] = total.Elapsed.TotalSeconds;
        return new StatisticsPanelResult
        {
            Values = values,
            Seconds = seconds,
            GradientCovariance = Options.KeepArtifacts ? covariance : null,
            GradientCovarianceSampleRows = Options.KeepArtifacts ? covarianceRows : null,
            HessianDensity = Options.KeepArtifacts ? density : null,
        };
    }

    private static Tensor Subset(Tensor inputs, int count, long seed, string purpose, out int[] rows)
    {
        int n = (int)inputs.shape[0];
        rows = n <= count
            ? Enumerable.Range(0, n).ToArray()
            : SeedSequence.CreateRandom(seed, "statistics-" + purpose).Permutation(n).Take(count).Order().ToArray();
        if (rows.Length == n)
        {
            using var detached = inputs.detach();
            return detached.alias();
        }
        using var index = tensor(rows.Select(r => (long)r).ToArray());
        return inputs.index_select(0, index);
    }

    private static void Time(Dictionary<string, double> seconds, string name, Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        seconds[name] = clock.Elapsed.TotalSeconds;
    }

    private static string Tau(double tau) => tau.ToString("R", CultureInfo.InvariantCulture);

    private static void AddUnits(Dictionary<string, double> values, UnitActivityReport report)
    {
        values["deadFraction"] = report.DeadFraction;
        values["linearizedFraction"] = report.LinearizedFraction;
        values["activeFraction"] = report.ActiveFraction;
        for (int t = 0; t < report.Taus.Length; t++) values[$"dormantFraction.tau{Tau(report.Taus[t])}"] = report.DormantFraction(t);
        foreach (var layer in report.Layers)
        {
            double units = Math.Max(1, layer.Units);
            values[$"deadFraction.layer{layer.Layer}"] = layer.Dead / units;
            values[$"linearizedFraction.layer{layer.Layer}"] = layer.Linearized / units;
            values[$"activeFraction.layer{layer.Layer}"] = layer.ActiveFraction;
            for (int t = 0; t < report.Taus.Length; t++)
                values[$"dormantFraction.tau{Tau(report.Taus[t])}.layer{layer.Layer}"] = layer.Dormant[t] / units;
        }
    }

    private static void AddFeatures(Dictionary<string, double> values, FeatureReport features)
    {
        AddRank(values, "feature", features.Rank);
        values["featureNorm"] = features.MeanNorm;
        values["featureVariance"] = features.MeanVariance;
    }

    private static void AddRank(Dictionary<string, double> values, string prefix, RankSummary rank)
    {
        values[prefix + "Rank"] = rank.NumericalRank;
        values[prefix + "Srank"] = rank.StableRank;
        values[prefix + "StableRank"] = rank.NormStableRank;
        values[prefix + "EffectiveRank"] = rank.EffectiveRank;
        values[prefix + "MaxSingularValue"] = rank.LargestSingularValue;
    }

    private static void AddWeights(Dictionary<string, double> values, WeightReport report)
    {
        values["weightNorm"] = report.L2Norm;
        values["meanAbsWeight"] = report.MeanAbsolute;
        foreach (var layer in report.Layers)
        {
            values[$"weightNorm.layer{layer.Layer}"] = layer.L2Norm;
            values[$"meanAbsWeight.layer{layer.Layer}"] = layer.MeanAbsolute;
            values[$"weightRank.layer{layer.Layer}"] = layer.WeightRank.NumericalRank;
            values[$"weightSrank.layer{layer.Layer}"] = layer.WeightRank.StableRank;
            values[$"weightStableRank.layer{layer.Layer}"] = layer.WeightRank.NormStableRank;
            values[$"weightEffectiveRank.layer{layer.Layer}"] = layer.WeightRank.EffectiveRank;
        }
    }
}
