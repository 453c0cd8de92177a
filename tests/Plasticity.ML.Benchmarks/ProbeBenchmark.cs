using System.Diagnostics;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>Cost of one plasticity probe.</summary>
/// <param name="Targets">Probe targets measured.</param>
/// <param name="Steps">Probe steps per target.</param>
/// <param name="ProbeSeconds">Median seconds of one probe.</param>
/// <param name="ReferenceStepSeconds">Median seconds of one reference-loop step at the probe's batch size.</param>
public sealed record ProbeResult(int Targets, int Steps, double ProbeSeconds, double ReferenceStepSeconds)
{
    /// <summary>Probe time over the time of the same number of plain reference training steps.</summary>
    public double RatioToSteps => ProbeSeconds / (Targets * Steps * ReferenceStepSeconds);

    /// <summary>Extrapolated seconds of the paper's default probe (10 targets x 2,000 steps) at the measured rate.</summary>
    public double DefaultProbeSeconds => ProbeSeconds / (Targets * Steps) * 10 * 2000;
}

/// <summary>Times <see cref="PlasticityProbe.Measure(PlasticNetwork, OptimizerOptions, TorchSharp.torch.Tensor, long, CancellationToken)"/> against plain training steps at the probe's batch size.</summary>
public static class ProbeBenchmark
{
    /// <summary>Measures a probe of <paramref name="targets"/> x <paramref name="steps"/> on the benchmark MLP.</summary>
    public static ProbeResult Measure(ImageDataset data, int targets, int steps, int rounds)
    {
        var probeOptions = new ProbeOptions { Targets = targets, Steps = steps, Inputs = 512 };
        var probe = new PlasticityProbe(probeOptions);
        using var network = NetworkFactory.Create(TrainStepBenchmark.Spec(false), 11);
        using var inputs = data.InputsTensor();
        using var labels = data.LabelsTensor();
        using var reference = new ReferenceLoop(network, inputs, labels, probeOptions.BatchSize, false);
        var probeSeconds = new List<double>();
        var referenceSeconds = new List<double>();
        for (int r = 0; r < rounds + 1; r++)
        {
            var clock = Stopwatch.StartNew();
            probe.Measure(network, new OptimizerOptions(), inputs, seed: r);
            if (r > 0) probeSeconds.Add(clock.Elapsed.TotalSeconds);
            double step = Timing.Interleaved(Math.Max(20, steps / 4), 1, reference.Step)[0];
            if (r > 0) referenceSeconds.Add(step);
        }
        return new ProbeResult(targets, steps, Timing.Median(probeSeconds), Timing.Median(referenceSeconds));
    }
}
