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
/// and exits non-zero if any figure is missing or not a positive finite number. It never asserts speed. <c>--only
/// optimizers,panel</c> runs some sections only (for investigating one figure; prints, never writes the report).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks; returns 0 on success, 1 on failure, 2 on bad arguments.</summary>
    public static int Main(string[] args)
    {
        // The search benchmark's process pool starts this program again as its trial worker.
        Plasticity.ML.Search.Runners.TrialWorker.RunIfRequested(args);
        // The Orleans benchmark starts this program again as its silos.
        Plasticity.ML.Orleans.Hosting.TrialSilo.RunIfRequested(args);
        bool quick = args.Contains("--quick");
        bool matmulOnly = args.Contains("--matmul");
        int tuneAt = Array.IndexOf(args, "--tune");
        if (tuneAt >= 0)
        {
            // Choosing the plastic trainers' defaults (docs/defaults.md): --tune [splits] [small|fmnist|all] [candidate;candidate...]
            int splits = args.Length > tuneAt + 1 ? int.Parse(args[tuneAt + 1], CultureInfo.InvariantCulture) : 3;
            string which = args.Length > tuneAt + 2 ? args[tuneAt + 2] : "small";
            string? candidates = args.Length > tuneAt + 3 ? args[tuneAt + 3] : null;
            var sets = which switch
            {
                "all" => TabularDatasets.All(),
                "fmnist" => [TabularDatasets.FashionMnistSubset(10_000)],
                _ => TabularDatasets.All().Take(5).ToList(),
            };
            TorchThreads.Set(1);
            Console.WriteLine(TabularTuning.Run(sets, d => d.Rows > 5000 ? Math.Min(splits, 2) : splits, candidates, withReferences: candidates is null || candidates.Contains("references", StringComparison.Ordinal)));
            return 0;
        }
        string? output = null;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length) only = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            else if (args[i] is not ("--quick" or "--matmul"))
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [--quick] [--matmul] [--only {string.Join(",", Sections)}] [--out docs/benchmarks.md]");
                return 2;
            }
        }
        if (only is not null && (output is not null || only.Except(Sections).Any()))
        {
            Console.Error.WriteLine($"--only takes sections from {string.Join(",", Sections)} and cannot be combined with --out (the report needs every section).");
            return 2;
        }
        if (matmulOnly)
        {
            // Diagnostic for the matmul rate alone (e.g. run with MKL_VERBOSE=1 to see which oneMKL code path runs).
            Console.WriteLine($"matmul 1 thread: {MatmulCeiling.Measure(1, 1024, 4, 5):F1} GFLOP/s; 2 threads: {MatmulCeiling.Measure(2, 1024, 4, 5):F1} GFLOP/s");
            return 0;
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var report = Run(quick, only);
            string markdown = report.ToMarkdown(quick, clock.Elapsed.TotalSeconds);
            Console.WriteLine(markdown);
            var bad = only is null ? report.InvalidFigures().ToList() : [];
            if (bad.Count > 0)
            {
                Console.Error.WriteLine("Benchmark produced invalid figures: " + string.Join(", ", bad));
                return 1;
            }
            if (output is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                AtomicFile.WriteAllText(output, KeepProse(output) + markdown);
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

    /// <summary>The sections <c>--only</c> accepts (the matmul ceiling always runs: the other figures are relative to it).</summary>
    public static IReadOnlyList<string> Sections { get; } = ["optimizers", "train", "threads", "probe", "panel", "ingestion", "scoring", "tabular", "ale", "environments", "agents", "checkpoints", "search", "orleans"];

    private static BenchmarkReport Run(bool quick, HashSet<string>? only)
    {
        bool Runs(string section) => only is null || only.Contains(section) || (section == "probe" && only.Contains("panel"));
        var report = new BenchmarkReport();
        var data = FashionMnist.LoadEmbedded().Subset(2000, seed: 1);
        int matmulN = quick ? 384 : 1024;
        Log("matmul ceiling");
        report.CeilingOne = MatmulCeiling.Measure(1, matmulN, quick ? 2 : 4, quick ? 3 : 7);
        report.CeilingTwo = MatmulCeiling.Measure(2, matmulN, quick ? 2 : 4, quick ? 3 : 7);

        TorchThreads.Set(1);
        foreach (var (name, options) in OptimizerStepBenchmark.Configurations.Where(_ => Runs("optimizers")))
        {
            Log("optimizer " + name);
            report.Optimizers.Add(OptimizerStepBenchmark.Measure(name, options, quick ? 10 : 100, quick ? 3 : 9));
        }
        foreach (bool layerNorm in Runs("train") ? new[] { false, true } : [])
        {
            foreach (int batch in new[] { 16, 64, 256, 1024 })
            {
                Log($"train step batch {batch} layerNorm {layerNorm}");
                int steps = quick ? Math.Max(2, 64 / batch) : Math.Max(10, 4096 / batch);
                report.TrainSteps.Add(TrainStepBenchmark.Measure(data, batch, layerNorm, steps, quick ? 1 : 7));
            }
        }
        foreach (int batch in !Runs("threads") ? [] : quick ? new[] { 64 } : new[] { 16, 64, 256, 1024 })
        {
            Log($"thread scaling batch {batch}");
            int steps = quick ? 4 : Math.Max(10, 2048 / batch);
            var (one, two) = TrainStepBenchmark.ThreadScaling(data, batch, steps, quick ? 1 : 7);
            report.ThreadScaling.Add((batch, one, two));
        }
        TorchThreads.Set(1);
        if (Runs("probe"))
        {
            Log("probe");
            report.Probe = ProbeBenchmark.Measure(data, 1, quick ? 20 : 500, quick ? 1 : 3);
        }
        if (Runs("panel"))
        {
            Log("statistics panel");
            report.Panel = PanelBenchmark.Measure(data, report.Probe!, quick, quick ? 1 : 3);
        }
        if (Runs("ingestion"))
        {
            Log("data ingestion");
            report.Ingestion = IngestionBenchmark.Measure(quick ? 1000 : 8000, quick ? 2 : 7);
        }
        if (Runs("ale"))
        {
            Log("ALE environment");
            report.Ale = AleBenchmark.TryMeasure(quick ? 50 : 500, quick ? 2 : 7, out string skipped);
            if (report.Ale is null)
            {
                report.AleSkipped = skipped;
                Log("ALE environment skipped: " + skipped);
            }
        }
        if (Runs("environments"))
        {
            Log("environments");
            report.Environments.AddRange(EnvironmentBenchmark.MeasureAll(quick ? 20_000 : 1_000_000, quick ? 3 : 9, vectorCount: 16));
        }
        if (Runs("agents"))
        {
            Log("DQN train step");
            report.DqnStep = AgentBenchmark.MeasureTrainStep(quick ? 20 : 200, quick ? 3 : 9);
            Log("agent throughput");
            report.AgentThroughput = AgentBenchmark.MeasureThroughput(quick ? 600 : 10_000, quick ? 1 : 3);
            Log("replay memory");
            report.ReplayMemory = AgentBenchmark.MeasureReplayMemory();
        }
        if (Runs("checkpoints"))
        {
            // Full: Dopamine's 1M ALE replay (7 GB), checkpointed 30,000 steps apart (about 5 minutes of an ALE agent).
            Log("replay checkpoints");
            report.ReplayCheckpoint = ReplayCheckpointBenchmark.Measure(quick ? 20_000 : 1_000_000, quick ? 1_000 : 30_000, quick ? 2 : 5);
        }
        if (Runs("search"))
        {
            Log("search trial runners");
            report.SearchRunner = SearchRunnerBenchmark.Measure(quick ? 20 : 200, quick ? 1 : 5);
        }
        if (Runs("scoring"))
        {
            Log("scoring");
            int rows = quick ? 2000 : 10_000, rounds = quick ? 2 : 7, epochs = quick ? 2 : 20;
            report.Scoring.Add(ScoringBenchmark.Measure(TabularDatasets.Digits(), rows, rounds, epochs));
            report.Scoring.Add(ScoringBenchmark.Measure(TabularDatasets.FashionMnistSubset(10_000), rows, rounds, epochs));
        }
        if (Runs("tabular"))
        {
            // The trainers with their defaults against ML.NET's SDCA and LightGbm (docs/benchmarks.md, "Defaults").
            var trainers = new[] { TabularBenchmark.Plastic, TabularBenchmark.Sdca, TabularBenchmark.LightGbm };
            var small = quick ? [TabularDatasets.Iris(), TabularDatasets.Diabetes()] : TabularDatasets.All().Take(5).ToList();
            report.Tabular.AddRange(TabularBenchmark.Measure(small, trainers, quick ? 1 : 10, Log));
            // The medium set costs LightGbm and SDCA half a minute per fit: two splits.
            if (!quick) report.Tabular.AddRange(TabularBenchmark.Measure([TabularDatasets.FashionMnistSubset(10_000)], trainers, 2, Log));
        }
        if (Runs("orleans"))
        {
            // Full: 20 trials of about 5 s each (600 steps per window); quick: 4 short ones.
            Log("orleans cluster runner");
            report.Orleans = OrleansRunnerBenchmark.Measure(quick ? 4 : 20, quick ? 20 : 600, quick ? 1 : 3);
        }
        return report;
    }

    /// <summary>Marks where the generated part of the report begins; text above it is kept on regeneration.</summary>
    public const string Marker = "<!-- generated by tests/Plasticity.ML.Benchmarks: everything below is replaced on each run -->";

    private static string KeepProse(string path)
    {
        if (!File.Exists(path)) return Marker + Environment.NewLine + Environment.NewLine;
        string text = File.ReadAllText(path);
        int at = text.IndexOf(Marker, StringComparison.Ordinal);
        return (at < 0 ? text.TrimEnd() + Environment.NewLine + Environment.NewLine + Marker : text[..(at + Marker.Length)]) + Environment.NewLine + Environment.NewLine;
    }

    private static void Log(string what) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {what}");
}
