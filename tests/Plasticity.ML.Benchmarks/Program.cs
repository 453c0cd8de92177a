using System.Diagnostics;
using System.Globalization;
using System.Text;
using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// Entry point. <c>dotnet run --project tests/Plasticity.ML.Benchmarks -c Release -- --out docs/benchmarks.md</c> runs
/// the full set and writes the report; <c>--quick</c> runs every benchmark briefly (CI smoke test, under 2 minutes)
/// and exits non-zero if any figure is missing or not a positive finite number. It never asserts speed.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks; returns 0 on success, 1 on failure, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? output = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
            else if (args[i] is not ("--quick" or "--out"))
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--quick] [--out docs/benchmarks.md]");
                return 2;
            }
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var report = Run(quick);
            string markdown = report.ToMarkdown(quick, clock.Elapsed.TotalSeconds);
            Console.WriteLine(markdown);
            var bad = report.InvalidFigures().ToList();
            if (bad.Count > 0)
            {
                Console.Error.WriteLine("Benchmark produced invalid figures: " + string.Join(", ", bad));
                return 1;
            }
            if (output is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                AtomicFile.WriteAllText(output, markdown);
                Console.Error.WriteLine($"Wrote {output}");
            }
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("Benchmark failed: " + e);
            return 1;
        }
    }

    private static BenchmarkReport Run(bool quick)
    {
        var report = new BenchmarkReport();
        var data = FashionMnist.LoadEmbedded().Subset(2000, seed: 1);
        int matmulN = quick ? 384 : 1024;
        Log("matmul ceiling");
        report.CeilingOne = MatmulCeiling.Measure(1, matmulN, quick ? 2 : 4, quick ? 3 : 7);
        report.CeilingTwo = MatmulCeiling.Measure(2, matmulN, quick ? 2 : 4, quick ? 3 : 7);

        TorchThreads.Set(1);
        foreach (var (name, options) in OptimizerStepBenchmark.Configurations)
        {
            Log("optimizer " + name);
            report.Optimizers.Add(OptimizerStepBenchmark.Measure(name, options, quick ? 10 : 100, quick ? 3 : 9));
        }
        foreach (bool layerNorm in new[] { false, true })
        {
            foreach (int batch in new[] { 16, 64, 256, 1024 })
            {
                Log($"train step batch {batch} layerNorm {layerNorm}");
                int steps = quick ? Math.Max(2, 64 / batch) : Math.Max(10, 4096 / batch);
                report.TrainSteps.Add(TrainStepBenchmark.Measure(data, batch, layerNorm, steps, quick ? 1 : 7));
            }
        }
        foreach (int batch in quick ? new[] { 64 } : new[] { 16, 64, 256, 1024 })
        {
            Log($"thread scaling batch {batch}");
            int steps = quick ? 4 : Math.Max(10, 2048 / batch);
            var (one, two) = TrainStepBenchmark.ThreadScaling(data, batch, steps, quick ? 1 : 7);
            report.ThreadScaling.Add((batch, one, two));
        }
        TorchThreads.Set(1);
        Log("probe");
        report.Probe = ProbeBenchmark.Measure(data, 1, quick ? 20 : 500, quick ? 1 : 3);
        return report;
    }

    private static void Log(string what) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {what}");
}
