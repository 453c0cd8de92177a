using System.Diagnostics;
using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// Runs an agent experiment: every (track, variant, seed) run is an agent trained through the track's stages, several
/// side by side (one thread each, at most one per core: at the MinAtar network's size independent runs scale better than
/// more threads per run). Each finished run is stored atomically under <c>runs/</c> in the output folder, and each run in
/// progress checkpoints itself there (<see cref="RunCheckpointing"/>: at stage boundaries, every
/// <see cref="CheckpointInterval"/>, and when cancelled). Invoked again on the same folder, it reuses the finished runs
/// whose settings and code are unchanged and continues the others from their checkpoints, so a killed experiment loses at
/// most each run's work since its last checkpoint.
/// </summary>
public sealed class AgentExperimentRunner
{
    /// <summary>Longest time between two checkpoints of a run in progress; default 5 minutes.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Also checkpoint every this many steps of a run (0: by time, at stage boundaries and on cancellation only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>
    /// Train nothing: the result holds only the runs already finished and stored in the output folder (with this spec's
    /// settings and this code), and <see cref="AgentExperimentResult.PendingRuns"/> counts the others. For a look at an
    /// experiment that runs for days, from another process while it trains (finished runs are stored atomically).
    /// </summary>
    public bool StoredRunsOnly { get; init; }

    /// <summary>
    /// Also reuse stored runs with this spec's settings that other code computed (by default such a run is trained
    /// again): for an experiment of days that outlives a library update, or seeds trained on other machines and copied
    /// into <c>runs/</c>. Each record's <see cref="AgentRunRecord.Code"/> says which code computed it.
    /// </summary>
    public bool ReuseRunsFromOtherCode { get; init; }

    /// <summary>Runs the experiment.</summary>
    /// <param name="spec">The experiment.</param>
    /// <param name="outputFolder">Where runs are stored; created if missing.</param>
    /// <param name="progress">Receives the progress of every run (from several threads at once).</param>
    /// <param name="cancellationToken">Stops every run after checkpointing it; finished runs stay stored.</param>
    public AgentExperimentResult Run(AgentExperimentSpec spec, string outputFolder, IProgress<AgentExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(outputFolder);
        spec.Validate();
        var clock = Stopwatch.StartNew();
        string runsFolder = Path.Combine(outputFolder, "runs");
        Directory.CreateDirectory(runsFolder);
        var images = new Lazy<ImageDataset?>(() => spec.Data?.Load(), LazyThreadSafetyMode.ExecutionAndPublication);

        var jobs = spec.Tracks.SelectMany(t => spec.Variants.SelectMany(v => spec.RunSeeds.Select(seed => (Track: t, Variant: v, Seed: seed)))).ToList();
        var records = new AgentRunRecord?[jobs.Count];
        var settings = new AgentRunSettings[jobs.Count];
        var pending = new List<int>();
        int resumed = 0;
        for (int i = 0; i < jobs.Count; i++)
        {
            var (track, variant, seed) = jobs[i];
            var options = Options(spec, track, variant, seed, images);
            settings[i] = Settings(spec, track, options);
            if (TryLoad(RunPath(runsFolder, track.Name, variant.Name, seed), RunFingerprint.OfSettings(settings[i])) is { } stored)
            {
                records[i] = stored;
                resumed++;
                var last = new AgentProgress(track.Steps, track.Steps, stored.Result is null ? "failed" : "done", stored.Result?.Episodes.Count ?? 0, double.NaN, double.NaN, double.NaN, stored.Failure);
                progress?.Report(new AgentExperimentProgress(track.Name, variant.Name, seed, last, Stored: true));
            }
            else
            {
                pending.Add(i);
            }
        }

        if (StoredRunsOnly)
            return new AgentExperimentResult
            {
                Spec = spec,
                Runs = records.OfType<AgentRunRecord>().ToList(),
                ResumedRuns = resumed,
                PendingRuns = pending.Count,
                Seconds = clock.Elapsed.TotalSeconds,
            };

        int cores = Environment.ProcessorCount;
        int workers = Math.Max(1, spec.ParallelRuns > 0 ? spec.ParallelRuns : cores);
        // TorchSharp's own optimizers make hidden Scalars that a collection started by a parallel run can free mid-step
        // (see OptimizerImplementation.TorchSharp): such experiments run one run at a time.
        if (spec.Agent.Optimizer.Implementation == OptimizerImplementation.TorchSharp ||
            spec.Variants.Any(v => v.Optimizer?.Implementation == OptimizerImplementation.TorchSharp))
            workers = 1;
        int threads = workers > 1 ? Math.Max(1, cores / workers) : spec.Agent.Threads;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        Parallel.ForEach(pending, parallel, i =>
        {
            var (track, variant, seed) = jobs[i];
            records[i] = RunOne(spec, track, variant, seed, settings[i], threads, images, runsFolder, progress, cancellationToken);
        });

        return new AgentExperimentResult
        {
            Spec = spec,
            Runs = records.Select(r => r!).ToList(),
            ResumedRuns = resumed,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private AgentRunRecord RunOne(AgentExperimentSpec spec, AgentTrackSpec track, AgentVariantSpec variant, long seed, AgentRunSettings settings, int threads,
        Lazy<ImageDataset?> images, string runsFolder, IProgress<AgentExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        var options = Options(spec, track, variant, seed, images) with { Threads = threads };
        bool evaluating = options.EvaluationInterval > 0 || options.EvaluateAtStart;
        var environments = new List<IEnvironment>();
        try
        {
            var stages = new List<AgentStage>();
            foreach (var stage in track.Stages)
            {
                var training = stage.Environment.Create(images.Value);
                environments.Add(training);
                IEnvironment? evaluation = null;
                if (evaluating)
                {
                    evaluation = stage.Environment.Create(images.Value);
                    environments.Add(evaluation);
                }
                stages.Add(new AgentStage { Environment = training, EvaluationEnvironment = evaluation, Steps = stage.Steps, WarmupSteps = stage.WarmupSteps, KeepReplay = stage.KeepReplay });
            }
            using var agent = Agent.Create(options, stages[0].Environment.Spec);
            var checkpointing = new RunCheckpointing
            {
                Path = CheckpointPath(runsFolder, track.Name, variant.Name, seed),
                Interval = CheckpointInterval,
                EverySteps = CheckpointEverySteps,
            };
            var runProgress = progress is null ? null : new InlineProgress<AgentProgress>(p => progress.Report(new AgentExperimentProgress(track.Name, variant.Name, seed, p)));
            AgentRunRecord record;
            try
            {
                var result = agent.Train(stages, checkpointing, runProgress, cancellationToken);
                record = NewRecord(track, variant, seed, settings) with { Result = result };
            }
            catch (NonFiniteLossException e)
            {
                // A diverged run is a result (a failed seed), not a crash of the experiment: store it and go on.
                record = NewRecord(track, variant, seed, settings) with { Failure = e.Message };
                Training.Checkpoints.Checkpoint.Delete(checkpointing.Path);
                runProgress?.Report(new AgentProgress(0, track.Steps, "failed", 0, double.NaN, double.NaN, double.NaN, e.Message));
            }
            PlasticityJson.WriteFile(RunPath(runsFolder, track.Name, variant.Name, seed), record);
            return record;
        }
        finally
        {
            foreach (var environment in environments) environment.Dispose();
        }
    }

    /// <summary>The options of one run: the variant applied to the experiment's agent for the track's first environment.</summary>
    public static AgentOptions Options(AgentExperimentSpec spec, AgentTrackSpec track, AgentVariantSpec variant, long seed, Lazy<ImageDataset?> images)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(images);
        using var first = track.Stages[0].Environment.Create(track.Stages[0].Environment.NeedsImages ? images.Value : null);
        return variant.Apply(spec.Agent with { TotalSteps = track.Steps }, first.Spec, seed);
    }

    /// <summary>A hash of everything that decides a run's numbers (the code that computes them included).</summary>
    public static string Fingerprint(AgentExperimentSpec spec, AgentTrackSpec track, AgentOptions options) =>
        RunFingerprint.WithCode(SettingsFingerprint(spec, track, options));

    /// <summary>A hash of the settings that decide a run's numbers (track, agent options with the seed, data), without the code.</summary>
    public static string SettingsFingerprint(AgentExperimentSpec spec, AgentTrackSpec track, AgentOptions options) =>
        RunFingerprint.OfSettings(Settings(spec, track, options));

    /// <summary>The settings that decide a run's numbers, as its record stores them.</summary>
    public static AgentRunSettings Settings(AgentExperimentSpec spec, AgentTrackSpec track, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(options);
        // Threads decide speed, not numbers.
        return new AgentRunSettings(track, options with { Threads = 0 }, track.Stages.Any(s => s.Environment.NeedsImages) ? spec.Data : null);
    }

    private static AgentRunRecord NewRecord(AgentTrackSpec track, AgentVariantSpec variant, long seed, AgentRunSettings settings)
    {
        string settingsFingerprint = RunFingerprint.OfSettings(settings);
        return new AgentRunRecord
        {
            Track = track.Name,
            Variant = variant.Name,
            Seed = seed,
            Fingerprint = RunFingerprint.WithCode(settingsFingerprint),
            SettingsFingerprint = settingsFingerprint,
            Settings = settings,
            Code = CodeVersion.Current,
        };
    }

    /// <summary>Where a finished run is stored.</summary>
    public static string RunPath(string runsFolder, string track, string variant, long seed) =>
        Path.Combine(runsFolder, $"{Sanitize(track)}.{Sanitize(variant)}.seed-{seed}.json");

    /// <summary>Where a run in progress keeps its checkpoint.</summary>
    public static string CheckpointPath(string runsFolder, string track, string variant, long seed) =>
        Path.Combine(runsFolder, $"{Sanitize(track)}.{Sanitize(variant)}.seed-{seed}.checkpoint");

    private AgentRunRecord? TryLoad(string path, string settingsFingerprint) =>
        RunFingerprint.TryLoad<AgentRunRecord>(path, settingsFingerprint, ReuseRunsFromOtherCode);

    // Without '.': it separates the track from the variant in a run's file name.
    private static string Sanitize(string name) => FileNames.Sanitize(name);
}
