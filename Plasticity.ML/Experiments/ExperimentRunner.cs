using System.Diagnostics;
using Plasticity.ML.Common;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>
/// Runs every variant of an experiment for every seed, several runs side by side (one intra-op thread each:
/// at this network size independent runs scale better than more threads per run), and stores each finished run
/// atomically under <c>runs/</c> in the output folder. A run in progress checkpoints itself there too (at task
/// boundaries and every <see cref="CheckpointInterval"/>). Invoked again on the same folder, it reuses the finished
/// runs whose settings and code are unchanged and continues the interrupted ones from their last checkpoint, so a
/// killed experiment loses at most the work since each run's last checkpoint.
/// </summary>
public sealed class ExperimentRunner
{
    /// <summary>Optional factory of extra hooks for each run (e.g. a statistics recorder); called once per run.</summary>
    public Func<VariantSpec, long, IEnumerable<TrainingHook>>? ExtraHooks { get; init; }

    /// <summary>Longest time between two checkpoints of a run in progress; default 5 minutes.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Train nothing: the result holds only the runs already finished and stored in the output folder (with this spec's
    /// settings and this code), and <see cref="ExperimentResult.PendingRuns"/> counts the others. For a look at a long
    /// experiment from another process while it trains (finished runs are stored atomically).
    /// </summary>
    public bool StoredRunsOnly { get; init; }

    /// <summary>
    /// Also reuse stored runs with this spec's settings that other code computed (by default such a run is trained
    /// again): for an experiment that outlives a library update, or seeds trained elsewhere and copied into
    /// <c>runs/</c>. Each record's <see cref="RunRecord.Code"/> says which code computed it.
    /// </summary>
    public bool ReuseRunsFromOtherCode { get; init; }

    /// <summary>Runs the experiment.</summary>
    /// <param name="spec">The experiment.</param>
    /// <param name="outputFolder">Where runs are stored; created if missing.</param>
    /// <param name="progress">Receives progress of each run.</param>
    /// <param name="cancellationToken">Stops all runs; finished runs stay stored for a later resume.</param>
    public ExperimentResult Run(ExperimentSpec spec, string outputFolder, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        spec.Validate();
        var clock = Stopwatch.StartNew();
        var data = spec.Data.Load();
        string runsFolder = Path.Combine(outputFolder, "runs");
        Directory.CreateDirectory(runsFolder);

        var jobs = spec.Variants.SelectMany(v => spec.RunSeeds.Select(seed => (Variant: v, Seed: seed))).ToList();
        var records = new RunRecord?[jobs.Count];
        int resumed = 0;
        var pending = new List<int>();
        for (int i = 0; i < jobs.Count; i++)
        {
            var (variant, seed) = jobs[i];
            string path = RunPath(runsFolder, variant.Name, seed);
            if (TryLoad(path, SettingsFingerprint(spec, variant, seed)) is { } stored)
            {
                records[i] = stored;
                resumed++;
                progress?.Report(new ExperimentProgress(variant.Name, seed, new TrainingProgress(spec.Tasks.Tasks - 1, spec.Tasks.Tasks, 0, 0, "done", double.NaN), Resumed: true));
            }
            else
            {
                pending.Add(i);
            }
        }

        if (StoredRunsOnly)
            return new ExperimentResult
            {
                Spec = spec,
                Runs = records.OfType<RunRecord>().ToList(),
                ResumedRuns = resumed,
                PendingRuns = pending.Count,
                Seconds = clock.Elapsed.TotalSeconds,
            };

        int workers = Math.Max(1, spec.ParallelRuns > 0 ? spec.ParallelRuns : Environment.ProcessorCount);
        // TorchSharp's own optimizers make hidden Scalars on every step, which a collection started by a parallel run
        // can free mid-step (see OptimizerImplementation.TorchSharp): such experiments run one run at a time.
        if (spec.Variants.Any(v => v.Apply(spec.Training, spec.RunSeeds[0]).Optimizer.Implementation == OptimizerImplementation.TorchSharp))
            workers = 1;
        // Independent runs side by side, each with its share of the cores: for small networks the policy gives every
        // run one thread, which beats giving one run more threads (per-op overhead dominates at these sizes).
        long largest = spec.Variants.Max(v => ParameterCount(v.Apply(spec.Training, spec.RunSeeds[0])));
        int threadsPerRun = TorchThreads.Choose(largest, spec.Training.BatchSize, spec.ThreadsPerRun, Environment.ProcessorCount, workers);
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        Parallel.ForEach(pending, options, i =>
        {
            var (variant, seed) = jobs[i];
            records[i] = RunOne(spec, data, variant, seed, threadsPerRun, runsFolder, progress, cancellationToken);
        });

        return new ExperimentResult
        {
            Spec = spec,
            Runs = records.Select(r => r!).ToList(),
            ResumedRuns = resumed,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private RunRecord RunOne(ExperimentSpec spec, Data.ImageDataset data, VariantSpec variant, long seed, int threads, string runsFolder,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        var options = variant.Apply(spec.Training, seed) with { Threads = threads };
        var taskSpec = variant.ApplyTasks(spec.Tasks);
        var tasks = TaskSequence.Create(taskSpec with { Seed = SeedSequence.Derive(taskSpec.Seed, "run-tasks", seed) }, data);
        using var trainer = new ContinualTrainer(options);
        if (ExtraHooks is not null)
            foreach (var hook in ExtraHooks(variant, seed)) trainer.AddHook(hook);
        var runProgress = progress is null ? null : new InlineProgress<TrainingProgress>(p => progress.Report(new ExperimentProgress(variant.Name, seed, p)));
        var checkpointing = new RunCheckpointing { Path = CheckpointPath(runsFolder, variant.Name, seed), Interval = CheckpointInterval };
        var result = trainer.Run(tasks, checkpointing, runProgress, cancellationToken);
        var settings = Settings(spec, variant, seed);
        string settingsFingerprint = RunFingerprint.OfSettings(settings);
        var record = new RunRecord
        {
            Variant = variant.Name,
            Seed = seed,
            Fingerprint = RunFingerprint.WithCode(settingsFingerprint),
            SettingsFingerprint = settingsFingerprint,
            Settings = settings,
            Code = CodeVersion.Current,
            Result = result,
        };
        PlasticityJson.WriteFile(RunPath(runsFolder, variant.Name, seed), record);
        return record;
    }

    private static long ParameterCount(ContinualTrainingOptions options)
    {
        using var network = Networks.NetworkFactory.Create(options.Network, seed: 0);
        return network.ParameterCount;
    }

    /// <summary>Where a run is stored.</summary>
    public static string RunPath(string runsFolder, string variant, long seed) =>
        Path.Combine(runsFolder, $"{Sanitize(variant)}.seed-{seed}.json");

    /// <summary>Where a run in progress keeps its checkpoint.</summary>
    public static string CheckpointPath(string runsFolder, string variant, long seed) =>
        Path.Combine(runsFolder, $"{Sanitize(variant)}.seed-{seed}.checkpoint");

    /// <summary>A hash of everything that decides a run's numbers, the code that computes them included.</summary>
    public static string Fingerprint(ExperimentSpec spec, VariantSpec variant, long seed) =>
        RunFingerprint.WithCode(SettingsFingerprint(spec, variant, seed));

    /// <summary>A hash of the settings that decide a run's numbers (data, tasks, training options and seed), without the code.</summary>
    public static string SettingsFingerprint(ExperimentSpec spec, VariantSpec variant, long seed) =>
        RunFingerprint.OfSettings(Settings(spec, variant, seed));

    /// <summary>The settings that decide a run's numbers, as its record stores them.</summary>
    public static RunSettings Settings(ExperimentSpec spec, VariantSpec variant, long seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(variant);
        // Threads are left out: they decide speed, not the numbers a stored run can be reused for.
        return new RunSettings(spec.Data, variant.ApplyTasks(spec.Tasks), variant.Apply(spec.Training, seed) with { Threads = 0 });
    }

    private RunRecord? TryLoad(string path, string settingsFingerprint) =>
        RunFingerprint.TryLoad<RunRecord>(path, settingsFingerprint, ReuseRunsFromOtherCode);

    private static string Sanitize(string name) => FileNames.Sanitize(name, alsoKept: ".");
}
