using Plasticity.ML.Data;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>One training-step comparison: our trainer against the reference loop, same network, batch, thread count.</summary>
/// <param name="Batch">Mini-batch size.</param>
/// <param name="LayerNorm">Whether the hidden layers carry LayerNorm.</param>
/// <param name="OursSeconds">Median seconds per step of <see cref="ContinualTrainer"/>.</param>
/// <param name="ReferenceSeconds">Median seconds per step of <see cref="ReferenceLoop"/>.</param>
/// <param name="Flops">Matmul FLOPs of one step (forward, weight gradients, input gradients of all but the first layer).</param>
public sealed record TrainStepResult(int Batch, bool LayerNorm, double OursSeconds, double ReferenceSeconds, double Flops);

/// <summary>Measures our trainer's step against a minimal TorchSharp loop doing the same math.</summary>
public static class TrainStepBenchmark
{
    /// <summary>The benchmark network: MLP 784-256-256-10.</summary>
    public static NetworkSpec Spec(bool layerNorm) => new()
    {
        HiddenWidths = [256, 256],
        Normalization = layerNorm ? NormalizationKind.LayerNorm : NormalizationKind.None,
        Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 },
    };

    /// <summary>
    /// Runs <see cref="ContinualTrainer"/> for <paramref name="rounds"/> + 1 tasks of <paramref name="steps"/> steps; after
    /// each task a hook times the same number of reference steps, so both sides alternate. The first round is warm-up.
    /// </summary>
    public static TrainStepResult Measure(ImageDataset data, int batch, bool layerNorm, int steps, int rounds)
    {
        var spec = Spec(layerNorm);
        var options = new ContinualTrainingOptions
        {
            Network = spec,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam },
            BatchSize = batch,
            StepsPerTask = steps,
            Seed = 7,
            EvaluationSamples = 256,
        };
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = rounds + 1, Seed = 7 }, data);
        using var trainer = new ContinualTrainer(options);
        using var inputs = data.InputsTensor();
        using var labels = data.LabelsTensor();
        using var reference = new ReferenceLoop(trainer.Network, inputs, labels, batch, layerNorm);
        var hook = new ReferenceAfterEachTask(reference, steps);
        trainer.AddHook(hook);
        var result = trainer.Run(tasks);
        double ours = Timing.Median(result.Tasks.Skip(1).Select(t => t.TrainSeconds / steps));
        double theirs = Timing.Median(hook.Seconds.Skip(1));
        return new TrainStepResult(batch, layerNorm, ours, theirs, MatmulFlops(spec, batch));
    }

    /// <summary>Seconds per reference step at batch <paramref name="batch"/> on 1 and on 2 threads (interleaved).</summary>
    public static (double One, double Two) ThreadScaling(ImageDataset data, int batch, int steps, int rounds)
    {
        using var network = NetworkFactory.Create(Spec(false), 7);
        using var inputs = data.InputsTensor();
        using var labels = data.LabelsTensor();
        using var reference = new ReferenceLoop(network, inputs, labels, batch, false);
        int before = TorchThreads.Current;
        try
        {
            var t = Timing.Interleaved(steps, rounds,
                () => { TorchThreads.Set(1); reference.Step(); },
                () => { TorchThreads.Set(2); reference.Step(); });
            return (t[0], t[1]);
        }
        finally
        {
            TorchThreads.Set(before);
        }
    }

    /// <summary>Matmul FLOPs of one training step of an MLP: 2BP forward + 2BP weight gradients + 2BP input gradients (not for the first layer).</summary>
    public static double MatmulFlops(NetworkSpec spec, int batch)
    {
        double flops = 0;
        long inputs = spec.InputSize;
        var widths = spec.HiddenWidths.Append(spec.Head.Outputs).ToArray();
        for (int l = 0; l < widths.Length; l++)
        {
            double weights = (double)inputs * widths[l];
            flops += 2 * batch * weights * (l == 0 ? 2 : 3);
            inputs = widths[l];
        }
        return flops;
    }

    private sealed class ReferenceAfterEachTask(ReferenceLoop reference, int steps) : TrainingHook
    {
        public List<double> Seconds { get; } = [];

        public override void OnTaskEnd(TrainingContext context) =>
            Seconds.Add(Timing.Interleaved(steps, 1, reference.Step)[0]);
    }
}
