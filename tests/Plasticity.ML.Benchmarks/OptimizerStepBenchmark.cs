using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>One optimizer-step comparison.</summary>
/// <param name="Name">Algorithm as labelled in the report.</param>
/// <param name="OursSeconds">Median seconds per <see cref="PlasticOptimizer.Step"/>.</param>
/// <param name="TorchSharpSeconds">Median seconds per <c>torch.optim</c> step (through <see cref="TorchSharpOptimizer"/>).</param>
/// <param name="FusedPassSeconds">Median seconds of the fused update pass alone on pinned arrays of the same length (no tensor bookkeeping): what a step could cost.</param>
public sealed record OptimizerStepResult(string Name, double OursSeconds, double TorchSharpSeconds, double FusedPassSeconds);

/// <summary>Times <c>Step()</c> alone, ours against TorchSharp's, on the benchmark MLP's parameters with fixed gradients.</summary>
public static class OptimizerStepBenchmark
{
    /// <summary>The compared configurations.</summary>
    public static IReadOnlyList<(string Name, OptimizerOptions Options)> Configurations { get; } =
    [
        ("Adam", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-6 }),
        ("AdamW (wd 0.01)", new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 1e-6, WeightDecay = 0.01 }),
        ("SGD momentum 0.9", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 1e-6, Momentum = 0.9 }),
    ];

    /// <summary>Measures one configuration.</summary>
    public static OptimizerStepResult Measure(string name, OptimizerOptions options, int calls, int rounds)
    {
        var spec = TrainStepBenchmark.Spec(false);
        using var scope = NewDisposeScope();
        var oursNetwork = NetworkFactory.Create(spec, 3);
        var theirNetwork = NetworkFactory.Create(spec, 3);
        using var ours = new PlasticOptimizer(oursNetwork.parameters(), options with { Implementation = OptimizerImplementation.Plastic });
        using var theirs = new TorchSharpOptimizer(theirNetwork.parameters(), options with { Implementation = OptimizerImplementation.TorchSharp });
        var random = new Random(5);
        using (no_grad())
        {
            ours.ZeroGrad();
            for (int i = 0; i < ours.Parameters.Count; i++)
            {
                var p = ours.Parameters[i];
                var values = new float[p.numel()];
                for (int k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() - 0.5) * 1e-2f;
                var g = tensor(values).reshape(p.shape);
                p.grad!.copy_(g);
                theirs.Parameters[i].grad = g.clone();
            }
        }
        var pass = FusedPass(options, ours.Parameters.Sum(p => p.numel()));
        var t = Timing.Interleaved(calls, rounds, ours.Step, theirs.Step, pass);
        return new OptimizerStepResult(name, t[0], t[1], t[2]);
    }

    /// <summary>The fused pass of <paramref name="options"/> over pinned arrays of <paramref name="length"/> elements, on 1 thread.</summary>
    private static unsafe Action FusedPass(OptimizerOptions options, long length)
    {
        var buffers = Enumerable.Range(0, 4).Select(i =>
        {
            var a = GC.AllocateArray<float>((int)length, pinned: true);
            a.AsSpan().Fill(i == 3 ? 1e-6f : 1e-3f * (i + 1));
            return a;
        }).ToArray();
        float* p = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffers[0][0]);
        float* g = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffers[1][0]);
        float* m = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffers[2][0]);
        float* v = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffers[3][0]);
        nint pa = (nint)p, ga = (nint)g, ma = (nint)m, va = (nint)v;
        if (options.Kind == OptimizerKind.Sgd)
        {
            var sgd = new SgdScalars(options.LearningRate, options.Momentum, options.Nesterov, options.WeightDecay);
            return () => { GC.KeepAlive(buffers); FusedUpdate.Sgd((float*)pa, (float*)ga, options.Momentum != 0 ? (float*)ma : null, length, sgd, 1); };
        }
        var adam = new AdamScalars(options.Beta1, options.Beta2, options.Kind == OptimizerKind.Adam ? options.WeightDecay : 0,
            options.Kind == OptimizerKind.AdamW ? 1 - options.LearningRate * options.WeightDecay : 1, 0, options.Epsilon, options.LearningRate);
        return () => { GC.KeepAlive(buffers); FusedUpdate.Adam((float*)pa, (float*)ga, (float*)ma, (float*)va, length, adam, 1); };
    }
}
