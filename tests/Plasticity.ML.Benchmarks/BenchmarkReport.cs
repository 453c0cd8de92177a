using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Benchmarks;

/// <summary>The figures of one benchmark run and their markdown rendering.</summary>
public sealed class BenchmarkReport
{
    /// <summary>Matmul GFLOP/s on 1 thread.</summary>
    public double CeilingOne { get; set; }

    /// <summary>Matmul GFLOP/s on 2 threads.</summary>
    public double CeilingTwo { get; set; }

    /// <summary>Optimizer step comparisons.</summary>
    public List<OptimizerStepResult> Optimizers { get; } = [];

    /// <summary>Training step comparisons.</summary>
    public List<TrainStepResult> TrainSteps { get; } = [];

    /// <summary>Reference-loop seconds per step on 1 and 2 threads, per batch size.</summary>
    public List<(int Batch, double One, double Two)> ThreadScaling { get; } = [];

    /// <summary>Probe cost.</summary>
    public ProbeResult? Probe { get; set; }

    /// <summary>Statistics-panel cost against the probe.</summary>
    public PanelResult? Panel { get; set; }

    /// <summary>IDataView ingestion against memcpy.</summary>
    public IngestionResult? Ingestion { get; set; }

    /// <summary>ALE environment steps against bare emulation (null when ALE is not available; see <see cref="AleSkipped"/>).</summary>
    public AleResult? Ale { get; set; }

    /// <summary>Why the ALE figures are missing (the shim or the Tetris ROM is not here); null when measured or not asked for.</summary>
    public string? AleSkipped { get; set; }

    /// <summary>MinAtar-style games stepped under a random policy, against memcpy of their observations.</summary>
    public List<EnvironmentResult> Environments { get; } = [];

    /// <summary>The DQN update against the hand-written TorchSharp loop.</summary>
    public DqnStepResult? DqnStep { get; set; }

    /// <summary>Whole-agent environment steps per second.</summary>
    public AgentThroughputResult? AgentThroughput { get; set; }

    /// <summary>Bytes of a 1M-transition MinAtar replay buffer.</summary>
    public ReplayMemoryResult? ReplayMemory { get; set; }

    /// <summary>Checkpoints of a large ALE replay with parts against the replay inside the archive.</summary>
    public ReplayCheckpointResult? ReplayCheckpoint { get; set; }

    /// <summary>A search trial in this process against the same trial in a worker process.</summary>
    public SearchRunnerResult? SearchRunner { get; set; }

    /// <summary>Transform in blocks against row-by-row scoring, and a PredictionEngine's latency.</summary>
    public List<ScoringResult> Scoring { get; } = [];

    /// <summary>The plastic trainers' defaults against SDCA and LightGbm on tabular data sets.</summary>
    public List<TabularResult> Tabular { get; } = [];

    /// <summary>Trials on the Orleans cluster runner: two silos against one, the cluster against the local runner.</summary>
    public OrleansRunnerResult? Orleans { get; set; }

    /// <summary>Names of figures that are missing, non-finite or not positive.</summary>
    public IEnumerable<string> InvalidFigures()
    {
        static bool Bad(double x) => !double.IsFinite(x) || x <= 0;
        if (Bad(CeilingOne)) yield return "ceiling 1 thread";
        if (Bad(CeilingTwo)) yield return "ceiling 2 threads";
        if (Optimizers.Count == 0) yield return "optimizer steps";
        foreach (var o in Optimizers.Where(o => Bad(o.OursSeconds) || Bad(o.TorchSharpSeconds) || Bad(o.FusedPassSeconds))) yield return "optimizer " + o.Name;
        if (TrainSteps.Count == 0) yield return "train steps";
        foreach (var t in TrainSteps.Where(t => Bad(t.OursSeconds) || Bad(t.ReferenceSeconds))) yield return $"train step {t.Batch}/{t.LayerNorm}";
        foreach (var s in ThreadScaling.Where(s => Bad(s.One) || Bad(s.Two))) yield return $"threads {s.Batch}";
        if (Probe is null || Bad(Probe.ProbeSeconds) || Bad(Probe.ReferenceStepSeconds)) yield return "probe";
        if (Panel is null || Bad(Panel.PanelSeconds) || Bad(Panel.ProbeStepSeconds) || Bad(Panel.CovarianceBatchedSeconds) || Bad(Panel.CovarianceLoopSeconds)) yield return "panel";
        if (Ingestion is null || Bad(Ingestion.OursSeconds) || Bad(Ingestion.MemcpySeconds) || Bad(Ingestion.CursorSeconds) || Bad(Ingestion.CopyFloorSeconds)) yield return "ingestion";
        if (Scoring.Count == 0) yield return "scoring";
        foreach (var r in Scoring.Where(r => Bad(r.BatchedSeconds) || Bad(r.RowByRowSeconds) || Bad(r.EngineSeconds))) yield return "scoring " + r.Dataset;
        if (Tabular.Count == 0) yield return "tabular";
        // R² may be negative; it must be a finite number, as must accuracy and the times.
        foreach (var t in Tabular.Where(t => !double.IsFinite(t.MeanMetric) || Bad(t.MeanSeconds))) yield return $"tabular {t.Dataset} {t.Trainer}";
        // ALE is optional: missing is fine (reported as skipped), but measured figures must be valid.
        if (Ale is not null && (Bad(Ale.OursSeconds) || Bad(Ale.RawSeconds))) yield return "ale";
        if (Environments.Count == 0) yield return "environments";
        foreach (var e in Environments.Where(e => Bad(e.SingleSeconds) || Bad(e.VectorSeconds) || Bad(e.MemcpySeconds))) yield return "environment " + e.Game;
        if (DqnStep is null || Bad(DqnStep.OursSeconds) || Bad(DqnStep.DenseConvolutionSeconds) || Bad(DqnStep.ReferenceSeconds)
            || Bad(DqnStep.LayerNormSeconds) || Bad(DqnStep.LayerNormLayeredSeconds) || Bad(DqnStep.DoubleDqnSeconds) || Bad(DqnStep.DoubleDqnLayeredSeconds)
            || Bad(DqnStep.C51Seconds) || Bad(DqnStep.C51LayeredSeconds)) yield return "DQN train step";
        if (AgentThroughput is null || Bad(AgentThroughput.PlasticStepsPerSecond) || Bad(AgentThroughput.TorchSharpStepsPerSecond)) yield return "agent throughput";
        if (ReplayMemory is null || ReplayMemory.Bytes <= 0 || ReplayMemory.AllocatedBytes <= 0 || ReplayMemory.NaiveBytes <= 0) yield return "replay memory";
        if (ReplayCheckpoint is null || Bad(ReplayCheckpoint.PartsSeconds) || Bad(ReplayCheckpoint.InlineSeconds) || ReplayCheckpoint.PartsBytesWritten <= 0 || ReplayCheckpoint.InlineBytesWritten <= 0)
            yield return "replay checkpoint";
        if (SearchRunner is null || Bad(SearchRunner.InProcessSeconds) || Bad(SearchRunner.ProcessPoolSeconds)) yield return "search runners";
        if (Orleans is null || Bad(Orleans.TrialSeconds) || Bad(Orleans.OneSiloSeconds) || Bad(Orleans.TwoSiloSeconds) || Bad(Orleans.LocalSeconds) || Bad(Orleans.ClusterSeconds)) yield return "orleans";
    }

    /// <summary>The report as markdown.</summary>
    public string ToMarkdown(bool quick, double seconds)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine("## Measured figures" + (quick ? " (quick mode: few repetitions, not for comparison)" : ""));
        s.AppendLine();
        s.AppendLine(c, $"- Date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm}; run took {seconds:F0} s.");
        s.AppendLine(c, $"- Machine: {CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}.");
        s.AppendLine("- Each ratio compares two sides measured interleaved in the same run; absolute times depend on the machine's load.");
        s.AppendLine();
        s.AppendLine("### Matmul ceiling (fp32, square matmul)");
        s.AppendLine();
        s.AppendLine("| threads | GFLOP/s | ratio to 1 thread |");
        s.AppendLine("|---|---|---|");
        s.AppendLine(c, $"| 1 | {CeilingOne:F1} | 1.00 |");
        s.AppendLine(c, $"| 2 | {CeilingTwo:F1} | {CeilingTwo / CeilingOne:F2} |");
        s.AppendLine();
        // --only runs leave some sections empty; print only those that ran.
        if (Optimizers.Count > 0)
        {
            s.AppendLine("### Optimizer step, MLP 784-256-256-10 (6 tensors, 269k parameters), 1 thread");
            s.AppendLine();
            s.AppendLine("| optimizer | ours (µs) | TorchSharp (µs) | ours / TorchSharp | fused pass alone (µs) | pass / our step |");
            s.AppendLine("|---|---|---|---|---|---|");
            foreach (var o in Optimizers)
                s.AppendLine(c, $"| {o.Name} | {o.OursSeconds * 1e6:F0} | {o.TorchSharpSeconds * 1e6:F0} | {o.OursSeconds / o.TorchSharpSeconds:F2} | {o.FusedPassSeconds * 1e6:F0} | {o.FusedPassSeconds / o.OursSeconds:F2} |");
            s.AppendLine();
        }
        if (TrainSteps.Count > 0)
        {
            s.AppendLine("### Training step, MLP 784-256-256-10, Adam, 1 thread");
            s.AppendLine();
            s.AppendLine("Ours = `ContinualTrainer` (default `Plastic` optimizer, loss check, accuracy count); reference = minimal TorchSharp loop with `torch.optim.Adam`. Fraction of ceiling = matmul FLOP/s of the step over the 1-thread matmul ceiling.");
            s.AppendLine();
            s.AppendLine("| LayerNorm | batch | ours (ms) | ours samples/s | ours % of ceiling | reference (ms) | reference % of ceiling | our overhead |");
            s.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var t in TrainSteps)
            {
                double oursFraction = t.Flops / t.OursSeconds / 1e9 / CeilingOne;
                double refFraction = t.Flops / t.ReferenceSeconds / 1e9 / CeilingOne;
                s.AppendLine(c, $"| {(t.LayerNorm ? "yes" : "no")} | {t.Batch} | {t.OursSeconds * 1e3:F2} | {t.Batch / t.OursSeconds:F0} | {oursFraction:P0} | {t.ReferenceSeconds * 1e3:F2} | {refFraction:P0} | {(t.OursSeconds / t.ReferenceSeconds - 1):+0%;-0%} |");
            }
            s.AppendLine();
        }
        if (ThreadScaling.Count > 0)
        {
            s.AppendLine("### Threads: reference step on 2 threads vs 1");
            s.AppendLine();
            s.AppendLine("| batch | 1 thread (ms) | 2 threads (ms) | speed-up | chosen by `TorchThreads.Choose` |");
            s.AppendLine("|---|---|---|---|---|");
            long parameterCount = 784L * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10;
            foreach (var (batch, one, two) in ThreadScaling)
                s.AppendLine(c, $"| {batch} | {one * 1e3:F2} | {two * 1e3:F2} | {one / two:F2} | {TorchThreads.Choose(parameterCount, batch, availableCores: 2)} |");
            s.AppendLine();
        }
        if (Probe is not null)
        {
            s.AppendLine("### Plasticity probe");
            s.AppendLine();
            s.AppendLine("| probe measured | seconds | ratio to the same number of reference train steps (batch 64) | extrapolated default probe (10 x 2,000) |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| {Probe.Targets} target x {Probe.Steps} steps, 512 inputs | {Probe.ProbeSeconds:F2} | {Probe.RatioToSteps:F2} | {Probe.DefaultProbeSeconds:F0} s |");
            s.AppendLine();
        }
        if (Panel is not null)
        {
            s.AppendLine(c, $"### Mechanism statistics panel at one probe point ({(Panel.Quick ? "reduced quick-mode panel" : "default `StatisticsPanelOptions`")}, MLP 784-256-256-10, 2,000 images)");
            s.AppendLine();
            s.AppendLine("| panel (s) | one probe fit, 2,000 steps (s) | panel / one fit (budget ≤ 1) | panel / default probe (10 x 2,000) |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| {Panel.PanelSeconds:F2} | {2000 * Panel.ProbeStepSeconds:F2} | {Panel.RatioToOneFit:F2} | {Panel.RatioToDefaultProbe:F3} |");
            s.AppendLine();
            s.AppendLine("Seconds per statistic group: " + string.Join(", ", Panel.GroupSeconds.Where(kv => kv.Key != "panel").OrderByDescending(kv => kv.Value).Select(kv => string.Create(c, $"{kv.Key} {kv.Value:F2}"))) + ".");
            s.AppendLine();
            s.AppendLine(c, $"C_k with k = {Panel.CovarianceSamples}, same network and rows: batched pass {Panel.CovarianceBatchedSeconds:F2} s, one backward pass per example {Panel.CovarianceLoopSeconds:F2} s, ratio **{Panel.CovarianceRatio:F3}**.");
            s.AppendLine();
        }
        if (Ingestion is not null)
        {
            s.AppendLine();
            s.AppendLine("### Data ingestion (IDataView -> [N, 784] tensor, against memcpy of the same bytes)");
            s.AppendLine();
            s.AppendLine("Ratios are of rates (GB/s): 1 means as fast as the reference; targets: ours / memcpy ≥ 0.7, bare cursor time / ours ≥ 1 / 1.3.");
            s.AppendLine();
            s.AppendLine("| rows | MB | ours GB/s | memcpy GB/s | ours / memcpy | bare ML.NET cursor GB/s | ours / bare cursor | cursor + plain copy GB/s | ours / (cursor + copy) |");
            s.AppendLine("|---|---|---|---|---|---|---|---|---|");
            double floor = Ingestion.Bytes / Ingestion.CopyFloorSeconds / 1e9;
            s.AppendLine(c, $"| {Ingestion.Rows} | {Ingestion.Bytes / 1e6:F1} | {Ingestion.OursGigabytesPerSecond:F2} | {Ingestion.MemcpyGigabytesPerSecond:F2} | {Ingestion.OursGigabytesPerSecond / Ingestion.MemcpyGigabytesPerSecond:F2} | {Ingestion.CursorGigabytesPerSecond:F2} | {Ingestion.OursGigabytesPerSecond / Ingestion.CursorGigabytesPerSecond:F2} | {floor:F2} | {Ingestion.OursGigabytesPerSecond / floor:F2} |");
        }
        if (Scoring.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("### Scoring: `Transform` in blocks vs one forward pass per row, and a PredictionEngine on one row");
            s.AppendLine();
            s.AppendLine("Default multiclass model (10 classes); the same evaluation rows, read through ML.NET cursors; 1 intra-op thread.");
            s.AppendLine();
            s.AppendLine("| data | network | rows | Transform, rows/s | row by row, rows/s | speed-up (target ≥ 20) | PredictionEngine, one row (µs) |");
            s.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var r in Scoring)
                s.AppendLine(c, $"| {r.Dataset} | {r.Network} | {r.Rows:N0} | {r.BatchedRowsPerSecond:N0} | {r.RowByRowRowsPerSecond:N0} | {r.Speedup:F1} | {r.EngineSeconds * 1e6:F0} |");
        }
        if (Tabular.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("### Defaults: plastic trainers vs SDCA and LightGbm (NormalizeMinMax, default arguments, same splits)");
            s.AppendLine();
            s.AppendLine(c, $"Metric: accuracy (classification; binary also AUC) or R² (regression) on a random {TabularBenchmark.TestFraction:P0} of the rows, mean ± standard deviation over the splits; seconds: mean `Fit` time (normalizer + trainer).");
            s.AppendLine();
            s.AppendLine("| data set | rows (train / test) | features | metric | splits | plastic | SDCA | LightGbm | plastic s | SDCA s | LightGbm s |");
            s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            var paired = new List<string>();
            foreach (var group in Tabular.GroupBy(t => t.Dataset))
            {
                var byTrainer = group.ToDictionary(t => t.Trainer);
                var first = group.First();
                string metric = first.Task switch { TabularTask.Regression => "R²", TabularTask.Binary => "accuracy (AUC)", _ => "accuracy" };
                string Cell(string trainer) => byTrainer.TryGetValue(trainer, out var t)
                    ? string.Create(c, $"{t.MeanMetric:F3} ± {t.MetricStd:F3}") + (t.Task == TabularTask.Binary ? string.Create(c, $" ({t.MeanAuc:F3})") : "")
                    : "-";
                string Seconds(string trainer) => byTrainer.TryGetValue(trainer, out var t) ? t.MeanSeconds.ToString("F2", c) : "-";
                s.AppendLine(c, $"| {group.Key} | {first.TrainRows:N0} / {first.TestRows:N0} | {first.Features} | {metric} | {first.Metric.Length} | {Cell(TabularBenchmark.Plastic.Name)} | {Cell(TabularBenchmark.Sdca.Name)} | {Cell(TabularBenchmark.LightGbm.Name)} | {Seconds(TabularBenchmark.Plastic.Name)} | {Seconds(TabularBenchmark.Sdca.Name)} | {Seconds(TabularBenchmark.LightGbm.Name)} |");
                if (!byTrainer.TryGetValue(TabularBenchmark.Plastic.Name, out var plastic)) continue;
                string Paired(string reference)
                {
                    if (!byTrainer.TryGetValue(reference, out var other)) return "-";
                    var (mean, half) = plastic.PairedDifference(other);
                    return double.IsFinite(half)
                        ? string.Create(c, $"{mean:+0.000;−0.000;0.000} [{mean - half:+0.000;−0.000;0.000}, {mean + half:+0.000;−0.000;0.000}]")
                        : string.Create(c, $"{mean:+0.000;−0.000;0.000}");
                }
                paired.Add(string.Create(c, $"| {group.Key} | {plastic.Metric.Length} | {Paired(TabularBenchmark.Sdca.Name)} | {Paired(TabularBenchmark.LightGbm.Name)} |"));
            }
            s.AppendLine();
            s.AppendLine("Paired by split (plastic minus the reference on the same split; mean and 95% Student-t interval; an interval that holds 0 means the two are not told apart by these splits):");
            s.AppendLine();
            s.AppendLine("| data set | splits | plastic − SDCA | plastic − LightGbm |");
            s.AppendLine("|---|---|---|---|");
            foreach (var row in paired) s.AppendLine(row);
        }
        if (Ale is not null || AleSkipped is not null)
        {
            s.AppendLine();
            s.AppendLine("### ALE environment on Tetris (frame skip 4, sticky actions, 84x84, stack of 4), against 4 bare ALE frames");
            s.AppendLine();
            if (Ale is null)
            {
                s.AppendLine(c, $"Skipped: {AleSkipped}");
            }
            else
            {
                s.AppendLine("| steps per round | env steps/s | emulated frames/s | env step / 4 bare frames |");
                s.AppendLine("|---|---|---|---|");
                s.AppendLine(c, $"| {Ale.Steps} | {Ale.StepsPerSecond:F0} | {Ale.FramesPerSecond:F0} | {Ale.OursSeconds / Ale.RawSeconds:F2} |");
            }
        }
        if (Environments.Count > 0)
        {
            s.AppendLine();
            s.AppendLine("### MinAtar-style environments (random policy over 6 actions, sticky actions 0.1, one core)");
            s.AppendLine();
            s.AppendLine(c, $"Single = one environment (policy draw, step, reset at episode ends); vector = `VectorEnvironment` of {Environments[0].VectorCount} environments on one worker thread, per environment step; memcpy = copying one observation's bytes, the floor of any environment that writes observations. The issue's goal is 1,000,000 steps/s per core.");
            s.AppendLine();
            s.AppendLine("| game | observation bytes | single steps/s | single / memcpy | vector steps/s | vector / memcpy | memcpy copies/s |");
            s.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var e in Environments)
                s.AppendLine(c, $"| {e.Game} | {e.ObservationBytes} | {e.SingleStepsPerSecond:N0} | {e.SingleToMemcpy:F1} | {e.VectorStepsPerSecond:N0} | {e.VectorToMemcpy:F1} | {1 / e.MemcpySeconds:N0} |");
        }
        if (DqnStep is not null)
        {
            s.AppendLine();
            s.AppendLine("### DQN update, MinAtar network (4 x 10 x 10 input, conv 16 3x3/1, 128 units, 6 actions), batch 32, 1 thread");
            s.AppendLine();
            s.AppendLine("Ours = `Agent` update (replay sample decoded into preallocated tensors, TD targets, step protocol, flat-buffer Adam; the MinAtar preset runs as one fused pass, `FusedSparseInputNetwork`: sparse-input convolution, oneMKL products called directly, and DQN's loss differentiated by hand); ours, dense = the same agent with libtorch's convolution (`SparseInput = false`, so layer by layer through autograd); reference = hand-written TorchSharp loop (`ReferenceDqnLoop`: float32 transitions, `index_select`, online and target forward, Huber, `torch.optim.Adam`). Target: speed-up at least 2.");
            s.AppendLine();
            s.AppendLine("| ours (µs) | ours, dense convolution (µs) | reference (µs) | speed-up | speed-up with the dense convolution |");
            s.AppendLine("|---|---|---|---|---|");
            s.AppendLine(c, $"| {DqnStep.OursSeconds * 1e6:F0} | {DqnStep.DenseConvolutionSeconds * 1e6:F0} | {DqnStep.ReferenceSeconds * 1e6:F0} | **{DqnStep.SpeedUp:F2}** | {DqnStep.ReferenceSeconds / DqnStep.DenseConvolutionSeconds:F2} |");
            s.AppendLine();
            s.AppendLine("The same agent with LayerNorm (after the convolution and the hidden layer), fused as above and layer by layer (`PlasticNetwork.LayerByLayer`, so autograd differentiates every layer), in the same interleaving:");
            s.AppendLine();
            s.AppendLine("| LayerNorm, fused (µs) | LayerNorm, layer by layer (µs) | layer by layer / fused | reference / fused |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| {DqnStep.LayerNormSeconds * 1e6:F0} | {DqnStep.LayerNormLayeredSeconds * 1e6:F0} | {DqnStep.LayerNormLayeredSeconds / DqnStep.LayerNormSeconds:F2} | {DqnStep.ReferenceSeconds / DqnStep.LayerNormSeconds:F2} |");
            s.AppendLine();
            s.AppendLine("The other agents on the same network, fused (loss differentiated by hand) and layer by layer (autograd through every layer and the loss), in the same interleaving: Double DQN, whose target adds an online forward pass on the next observations, and C51 with 51 atoms (a head of 6 x 51 logits, cross-entropy loss). The reference loop is DQN's, so it has no column here:");
            s.AppendLine();
            s.AppendLine("| agent | fused (µs) | layer by layer (µs) | layer by layer / fused |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| Double DQN | {DqnStep.DoubleDqnSeconds * 1e6:F0} | {DqnStep.DoubleDqnLayeredSeconds * 1e6:F0} | {DqnStep.DoubleDqnLayeredSeconds / DqnStep.DoubleDqnSeconds:F2} |");
            s.AppendLine(c, $"| C51 | {DqnStep.C51Seconds * 1e6:F0} | {DqnStep.C51LayeredSeconds * 1e6:F0} | {DqnStep.C51LayeredSeconds / DqnStep.C51Seconds:F2} |");
        }
        if (AgentThroughput is not null)
        {
            s.AppendLine();
            s.AppendLine(c, $"### Whole-agent throughput ({AgentThroughput.Steps:N0}-step DQN runs on a 4-channel 10 x 10 random grid, one update per step, batch 32, 1 thread)");
            s.AppendLine();
            s.AppendLine("| optimizer | environment steps/s | a 5M-frame run (h) |");
            s.AppendLine("|---|---|---|");
            s.AppendLine(c, $"| flat-buffer Adam (default) | {AgentThroughput.PlasticStepsPerSecond:F0} | {AgentThroughput.FiveMillionFrameHours:F1} |");
            s.AppendLine(c, $"| TorchSharp's Adam | {AgentThroughput.TorchSharpStepsPerSecond:F0} | {5e6 / AgentThroughput.TorchSharpStepsPerSecond / 3600:F1} |");
            s.AppendLine();
            s.AppendLine(c, $"Ratio flat-buffer / TorchSharp: **{AgentThroughput.PlasticStepsPerSecond / AgentThroughput.TorchSharpStepsPerSecond:F2}**.");
        }
        if (ReplayMemory is not null)
        {
            s.AppendLine();
            s.AppendLine(c, $"### Replay memory, {ReplayMemory.Capacity:N0} transitions of 10 x 10 x 10 booleans (Seaquest)");
            s.AppendLine();
            s.AppendLine("| ours (MB) | allocated when created (MB) | float32 observation + next observation (MB) | ours / float32 |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| {ReplayMemory.Bytes / 1e6:F0} | {ReplayMemory.AllocatedBytes / 1e6:F0} | {ReplayMemory.NaiveBytes / 1e6:F0} | {(double)ReplayMemory.Bytes / ReplayMemory.NaiveBytes:F3} |");
        }
        if (ReplayCheckpoint is { } checkpoint)
        {
            s.AppendLine();
            s.AppendLine(c, $"### Replay checkpoints, {checkpoint.Capacity:N0} ALE transitions (84 x 84 frames, stacks of 4; {checkpoint.ReplayBytes / 1e9:F2} GB), {checkpoint.StepsBetween:N0} steps apart");
            s.AppendLine();
            s.AppendLine("Each checkpoint as the agent writes it: observation segments of 64 MiB kept as part files named by their SHA-256, so only segments with new transitions are hashed and written, against the whole replay inside the archive (every checkpoint before parts), interleaved.");
            s.AppendLine();
            s.AppendLine("| with parts: written (MB) | seconds | replay inside the archive: written (MB) | seconds | seconds, inside / parts |");
            s.AppendLine("|---|---|---|---|---|");
            s.AppendLine(c, $"| {checkpoint.PartsBytesWritten / 1e6:F0} | {checkpoint.PartsSeconds:F2} | {checkpoint.InlineBytesWritten / 1e6:F0} | {checkpoint.InlineSeconds:F2} | {checkpoint.SpeedUp:F2} |");
        }
        if (SearchRunner is { } runner)
        {
            s.AppendLine();
            s.AppendLine("### Search trials: in this process vs a worker process per trial");
            s.AppendLine();
            s.AppendLine(c, $"The same trial (784-64-10 MLP, {runner.Windows} windows of 200 embedded images, {runner.StepsPerWindow} steps per window) run by `TrialExecutor.Execute` in the benchmark process and through a one-worker `ProcessPoolTrialRunner`, interleaved. The difference is what isolation costs per trial (process start, runtime and libtorch loading, rebuilding the stream, spec and outcome files).");
            s.AppendLine();
            s.AppendLine("| in process (s) | worker process (s) | ratio | overhead per trial (s) |");
            s.AppendLine("|---|---|---|---|");
            s.AppendLine(c, $"| {runner.InProcessSeconds:F3} | {runner.ProcessPoolSeconds:F3} | {runner.Ratio:F2} | {runner.OverheadSeconds:F3} |");
        }
        if (Orleans is { } cluster)
        {
            s.AppendLine();
            s.AppendLine("### Search trials on an Orleans cluster (Plasticity.ML.Orleans)");
            s.AppendLine();
            s.AppendLine(c, $"A batch of {cluster.Trials} single-threaded trials (784-64-10 MLP, 5 windows of 200 embedded images, {cluster.StepsPerWindow} steps per window; one alone takes {cluster.TrialSeconds:F2} s in process) on silo processes of the benchmark program (localhost clustering, loopback TCP), batches interleaved, clusters started before timing. Scaling: one silo against two, one slot each, trials on a silo thread (target: at least 1.7x on two cores). Overhead: the local default runner (a process pool of two workers) against two silos of one slot that run each trial in a worker process too (target: at most 5% slower).");
            s.AppendLine();
            s.AppendLine("| 1 silo (s) | 2 silos (s) | throughput 2 / 1 | local pool (s) | cluster (s) | cluster / local |");
            s.AppendLine("|---|---|---|---|---|---|");
            s.AppendLine(c, $"| {cluster.OneSiloSeconds:F2} | {cluster.TwoSiloSeconds:F2} | {cluster.Scaling:F2} | {cluster.LocalSeconds:F2} | {cluster.ClusterSeconds:F2} | {cluster.Overhead:F3} |");
        }
        return s.ToString();
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
