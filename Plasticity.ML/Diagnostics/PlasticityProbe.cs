using System.Diagnostics;
using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The paper's plasticity probe: how well can a copy of the network, with a fresh optimizer of the same kind, fit
/// random high-frequency regression targets <c>a + sin(k * f(x; w0))</c> in a fixed budget? Each target comes from a
/// fresh initialization w0 of the same architecture, and a is the network's current mean prediction, so fresh
/// networks are not favoured. The network and its optimizer are never touched: every target trains its own copy.
/// </summary>
/// <remarks>
/// <para>The probe fits the decoded prediction (<see cref="PlasticNetwork.Predict"/>): raw outputs of regression and
/// classification heads with MSE, categorical heads (two-hot, HL-Gauss) with their own cross-entropy. The reported
/// number is always the MSE of the decoded prediction. Plasticity loss is the probe loss now minus the probe loss at
/// initialization.</para>
/// <para>Each copy trains through a <see cref="TrainingSession"/> (the step protocol every learner uses). Given the
/// learner's hooks, the copy also trains with their parameterizations (<see cref="TrainingHook.CreateProbeHook"/>:
/// spectral normalization, weight clipping, normalize-and-project, Parseval regularization), so the probe measures the
/// network as it is trained; architectural choices (CReLU, Fourier features, an injected head) travel with the copy.
/// A copy whose loss becomes NaN or infinite stops there and reports NaN for that target.</para>
/// </remarks>
public sealed class PlasticityProbe
{
    /// <summary>Creates a probe with the given settings.</summary>
    public PlasticityProbe(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public ProbeOptions Options { get; }

    /// <summary>Measures the probe loss of <paramref name="network"/>.</summary>
    /// <param name="network">The network; not modified.</param>
    /// <param name="optimizer">Settings of the optimizer the probe copies train with (fresh state).</param>
    /// <param name="candidateInputs">Inputs to draw the probe inputs from <c>[N, features]</c>.</param>
    /// <param name="seed">Decides the probe inputs, targets and batches.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    public ProbeResult Measure(PlasticNetwork network, OptimizerOptions optimizer, Tensor candidateInputs, long seed, CancellationToken cancellationToken = default) =>
        Measure(network, optimizer, candidateInputs, seed, hooks: null, cancellationToken);

    /// <summary>Measures the probe loss of <paramref name="network"/>, training each copy with the parameterizations of <paramref name="hooks"/>.</summary>
    /// <param name="network">The network; not modified.</param>
    /// <param name="optimizer">Settings of the optimizer the probe copies train with (fresh state).</param>
    /// <param name="candidateInputs">Inputs to draw the probe inputs from <c>[N, features]</c>.</param>
    /// <param name="seed">Decides the probe inputs, targets and batches.</param>
    /// <param name="hooks">The learner's hooks (e.g. <see cref="TrainingSession.Hooks"/>); each one's
    /// <see cref="TrainingHook.CreateProbeHook"/> decides whether it acts in the copies. Null for none.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    public ProbeResult Measure(PlasticNetwork network, OptimizerOptions optimizer, Tensor candidateInputs, long seed, IReadOnlyList<TrainingHook>? hooks,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(candidateInputs);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var inputs = ChooseInputs(candidateInputs, seed);
        var offsets = MeanPrediction(network, inputs);

        int points = Math.Min(Options.CurvePoints, Options.Steps);
        int[] curveSteps = points == 0 ? [] : Enumerable.Range(0, points + 1).Select(i => (int)Math.Round((double)i * Options.Steps / points)).Distinct().ToArray();
        var curveSum = new double[curveSteps.Length];
        var finals = new double[Options.Targets];
        double varianceSum = 0;

        for (int j = 0; j < Options.Targets; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var targetScope = NewDisposeScope();
            Tensor targets;
            using (var function = network.CreateFresh(SeedSequence.Derive(seed, "probe-function", j)))
                targets = SineTargets.Compute(function, inputs, Options.Frequency, offsets);
            varianceSum += targets.var(0, unbiased: false).mean().item<float>();
            var (final, curve) = Fit(network, optimizer, hooks, inputs, targets, SeedSequence.Derive(seed, "probe-batches", j), curveSteps, cancellationToken);
            finals[j] = final;
            for (int k = 0; k < curve.Length; k++) curveSum[k] += curve[k];
        }

        double mean = finals.Average();
        double std = Math.Sqrt(finals.Select(f => (f - mean) * (f - mean)).Average());
        return new ProbeResult
        {
            MeanLoss = mean,
            StdLoss = std,
            TargetLosses = finals,
            CurveSteps = curveSteps,
            MeanCurve = curveSum.Select(s => s / Options.Targets).ToArray(),
            TargetVariance = varianceSum / Options.Targets,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private (double Final, double[] Curve) Fit(PlasticNetwork network, OptimizerOptions optimizerOptions, IReadOnlyList<TrainingHook>? hooks, Tensor inputs,
        Tensor targets, long seed, int[] curveSteps, CancellationToken cancellationToken)
    {
        using var copy = network.DeepCopy();
        copy.train();
        using var optimizer = OptimizerFactory.Create(optimizerOptions, copy.parameters());
        var probeHooks = hooks?.Select(h => h.CreateProbeHook()).OfType<TrainingHook>().ToList() ?? [];
        var session = new TrainingSession(copy, optimizer, probeHooks, seed);
        session.Start();
        session.BeginTask(0, observations: null);
        var head = network.Spec.Head;
        // Class logits are fitted as plain regression outputs; a categorical head keeps its own loss.
        var probeHead = head.Kind == HeadKind.Classification ? head with { Kind = HeadKind.Regression } : head;
        var objective = new TrainingObjective(probeHead, TargetKind.Regression, head.Outputs, LossKind.Auto);
        var random = SeedSequence.CreateRandom(seed, "probe-batches");
        int n = (int)inputs.shape[0];
        int batch = Math.Min(Options.BatchSize, n);
        var curve = new double[curveSteps.Length];
        int nextPoint = 0;
        var indices = new long[batch];

        for (int step = 0; step <= Options.Steps; step++)
        {
            if (nextPoint < curveSteps.Length && curveSteps[nextPoint] == step)
                curve[nextPoint++] = Evaluate(copy, inputs, targets);
            if (step == Options.Steps) break;
            if ((step & 63) == 0) cancellationToken.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            for (int i = 0; i < batch; i++) indices[i] = random.Next(n);
            using var index = tensor(indices);
            var x = inputs.index_select(0, index);
            var y = targets.index_select(0, index);
            try
            {
                session.Step(x, () => objective.ComputeLoss(copy.forward(x), y));
            }
            catch (NonFiniteLossException)
            {
                // The copy diverged: it fits nothing from here on. Reported as NaN, never as a number.
                for (; nextPoint < curve.Length; nextPoint++) curve[nextPoint] = double.NaN;
                return (double.NaN, curve);
            }
        }
        double final = curveSteps.Length > 0 && curveSteps[^1] == Options.Steps ? curve[^1] : Evaluate(copy, inputs, targets);
        return (final, curve);
    }

    private static double Evaluate(PlasticNetwork network, Tensor inputs, Tensor targets)
    {
        using (EvaluationMode.Enter(network))
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var prediction = network.Predict(inputs);
            var error = prediction - targets;
            return (error * error).mean().item<float>();
        }
    }

    private Tensor ChooseInputs(Tensor candidates, long seed)
    {
        int n = (int)candidates.shape[0];
        int count = Options.Inputs == 0 ? n : Math.Min(Options.Inputs, n);
        if (count == n) return candidates.alias();
        var order = SeedSequence.CreateRandom(seed, "probe-inputs").Permutation(n);
        using var index = tensor(order.Take(count).Select(i => (long)i).ToArray());
        return candidates.index_select(0, index);
    }

    private static Tensor MeanPrediction(PlasticNetwork network, Tensor inputs)
    {
        using (EvaluationMode.Enter(network))
        {
            using var noGrad = no_grad();
            using var prediction = network.Predict(inputs);
            using var mean = prediction.mean([0L]);
            return mean.to_type(ScalarType.Float64);
        }
    }
}
