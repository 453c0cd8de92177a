using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// Trains one network on a task sequence, task after task, with mini-batch steps, hooks (interventions and
/// recorders), end-of-task evaluation and the plasticity probe at scheduled points.
/// </summary>
/// <example>
/// <code>
/// var data = FashionMnist.LoadEmbedded().Subset(2000, seed: 1);
/// var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 10 }, data);
/// var trainer = new ContinualTrainer(new ContinualTrainingOptions
/// {
///     Network = new NetworkSpec { HiddenWidths = [256, 256], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
///     Probe = new ProbeOptions { Targets = 3, Steps = 500 },
/// });
/// ContinualRunResult result = trainer.Run(tasks);
/// Console.WriteLine(result.PlasticityLoss);
/// </code>
/// </example>
public sealed class ContinualTrainer : IDisposable
{
    private readonly List<TrainingHook> extraHooks = [];

    /// <summary>Creates a trainer and its network (drawn from the options' seed).</summary>
    public ContinualTrainer(ContinualTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Network = NetworkFactory.Create(options.Network, SeedSequence.Derive(options.Seed, "network"));
        Optimizer = OptimizerFactory.Create(options.Optimizer, Network.parameters());
        StatisticsPanel = options.Statistics is null ? null : new StatisticsPanelHook(options.Statistics);
    }

    /// <summary>The hook recording <see cref="ContinualTrainingOptions.Statistics"/> (its C_k and densities), or null.</summary>
    public StatisticsPanelHook? StatisticsPanel { get; }

    /// <summary>The options.</summary>
    public ContinualTrainingOptions Options { get; }

    /// <summary>The network being trained.</summary>
    public PlasticNetwork Network { get; }

    /// <summary>Its optimizer.</summary>
    public IPlasticOptimizer Optimizer { get; }

    /// <summary>Adds a hook that runs after the interventions (e.g. a statistics recorder).</summary>
    public ContinualTrainer AddHook(TrainingHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        extraHooks.Add(hook);
        return this;
    }

    /// <summary>Runs the whole sequence.</summary>
    /// <param name="tasks">The task sequence; its targets must fit the network's head.</param>
    /// <param name="progress">Receives progress reports (a few per task).</param>
    /// <param name="cancellationToken">Cancels between steps; throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite.</exception>
    public ContinualRunResult Run(TaskSequence tasks, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(tasks, checkpointing: null, progress, cancellationToken);

    /// <summary>
    /// Runs the whole sequence, checkpointing as <paramref name="checkpointing"/> says and, when a checkpoint of the same
    /// run (same options, tasks and code) exists, continuing from it: the result equals an uninterrupted run's, bit for
    /// bit. Resuming and damaged checkpoints are reported through <paramref name="progress"/> ("resumed", "warning").
    /// </summary>
    /// <param name="tasks">The task sequence; its targets must fit the network's head.</param>
    /// <param name="checkpointing">Where and how often to checkpoint; null for none.</param>
    /// <param name="progress">Receives progress reports (a few per task).</param>
    /// <param name="cancellationToken">Cancels between steps (every 32 steps of a task) after writing a checkpoint when
    /// <paramref name="checkpointing"/> is set, or between tasks, whose boundaries are checkpointed; throws
    /// <see cref="OperationCanceledException"/>. A probe point after a task runs to its end and the run stops at the
    /// boundary after it, checkpointed there; a probe point before the first task stops at once.</param>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite.</exception>
    public ContinualRunResult Run(TaskSequence tasks, RunCheckpointing? checkpointing, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        checkpointing?.Validate();
        // libtorch's intra-op thread count is process-wide: a scope sets it for the run (the policy picks 1 thread for
        // networks this small, where per-op overhead dominates) and the last run to finish puts the previous value
        // back, so runs started side by side do not undo each other's setting (see TorchThreads.Use).
        using var threads = TorchThreads.Use(TorchThreads.Choose(Network.ParameterCount, Options.BatchSize, Options.Threads));
        return RunTasks(tasks, checkpointing, progress, cancellationToken);
    }

    private ContinualRunResult RunTasks(TaskSequence tasks, RunCheckpointing? checkpointing, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (tasks.Data.ImageSize != Options.Network.InputSize)
            throw new ArgumentException($"The network expects {Options.Network.InputSize} input features but the data has {tasks.Data.ImageSize}.");
        var objective = new TrainingObjective(Options.Network.Head, tasks.TargetKind, tasks.OutputCount, Options.Loss, Options.HuberDelta);
        var hooks = Options.Interventions.Select(i => i.CreateHook()).Concat(extraHooks).ToList();
        if (StatisticsPanel is not null) hooks.Add(StatisticsPanel);
        var session = new TrainingSession(Network, Optimizer, hooks, Options.Seed);
        var probe = Options.Probe is null ? null : new PlasticityProbe(Options.Probe);
        // The probe fits the same inputs at every point of a run: those of the first task, which are the data set's own
        // (a permuted-inputs sequence permutes them for later tasks; probing each point on its own task's inputs would
        // mix the input shift into plasticity loss).
        using var probeInputs = probe is null ? null : tasks.Data.InputsTensor();
        var run = new ContinualRunState(Fingerprint(tasks, hooks), RandomStream.For(Options.Seed, "batches"), checkpointing);

        session.Start();
        bool resumed = run.TryResume(session, tasks.TaskCount, Options.StepsPerTask, progress);

        for (int t = run.TaskIndex; t < tasks.TaskCount; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var task = tasks.CreateTask(t);
            using var preparedTargets = objective.PrepareTargets(task.Targets);
            var observations = new TaskObservations(task.Inputs, objective, preparedTargets, task.Kind == TargetKind.ClassLabels ? task.Targets : null);

            if (t == 0 && probe is not null && !resumed)
            {
                session.UseObservations(observations);
                progress?.Report(new TrainingProgress(0, tasks.TaskCount, 0, Options.StepsPerTask, "probe", double.NaN));
                run.Initial = ProbePoint(-1, session, probeInputs!, probe, cancellationToken);
            }

            if (run.TaskStarted) session.UseObservations(observations); // resuming inside the task: its start already happened
            else session.BeginTask(t, observations);
            run.StartTask(t);
            var (onlineLoss, onlineAccuracy) = TrainTask(session, run, task, objective, preparedTargets, tasks.TaskCount, progress, cancellationToken);
            run.StopTaskClock();
            session.EndTask();

            var (finalLoss, finalAccuracy) = Evaluate(objective, task, preparedTargets);
            bool probeNow = probe is not null && (t == tasks.TaskCount - 1 || Options.ProbeEveryTasks > 0 && (t + 1) % Options.ProbeEveryTasks == 0);
            ProbePointRecord? point = null;
            if (probeNow)
            {
                progress?.Report(new TrainingProgress(t, tasks.TaskCount, Options.StepsPerTask, Options.StepsPerTask, "probe", finalLoss));
                // With checkpoints, the probe runs to its end and the cancellation is honoured at the task boundary just
                // after, which is checkpointed: a probe stopped midway would lose the task's training since the last checkpoint.
                point = ProbePoint(t, session, probeInputs!, probe!, checkpointing is null ? cancellationToken : CancellationToken.None);
            }
            run.Tasks.Add(new TaskMetrics
            {
                TaskIndex = t,
                FinalTrainLoss = finalLoss,
                FinalTrainAccuracy = finalAccuracy,
                OnlineLoss = onlineLoss,
                OnlineAccuracy = onlineAccuracy,
                TrainSeconds = run.TaskSeconds,
                ProbePoint = point,
            });
            session.UseObservations(null);
            run.FinishTask(session);
        }

        run.Finish();
        progress?.Report(new TrainingProgress(tasks.TaskCount - 1, tasks.TaskCount, Options.StepsPerTask, Options.StepsPerTask, "done", double.NaN));
        return new ContinualRunResult
        {
            Options = Options,
            Tasks = run.Tasks,
            InitialProbePoint = run.Initial,
            Seconds = run.Seconds,
        };
    }

    private (double Loss, double Accuracy) TrainTask(TrainingSession session, ContinualRunState run, SupervisedTask task, TrainingObjective objective, Tensor targets,
        int taskCount, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int n = task.Count;
        int batch = Math.Min(Options.BatchSize, n);
        var indices = new long[batch];
        bool accuracy = objective.HasAccuracy;
        int reportEvery = Math.Max(1, Options.StepsPerTask / 10);
        Network.train();

        for (int step = run.StepInTask; step < Options.StepsPerTask; step++)
        {
            if ((step & 31) == 0 && cancellationToken.IsCancellationRequested)
            {
                // Between steps the state is whole: keep it, so the same command continues from here.
                run.CheckpointNow(session);
                cancellationToken.ThrowIfCancellationRequested();
            }
            using (var scope = NewDisposeScope())
            {
                for (int i = 0; i < batch; i++) indices[i] = run.Batches.Next(n);
                using var index = tensor(indices);
                var x = task.Inputs.index_select(0, index);
                var y = targets.index_select(0, index);

                // The loss function may run again within the step (SAM); the online accuracy is that of its first output.
                Tensor? output = null;
                var outcome = session.Step(x, () =>
                {
                    var raw = Network.forward(x);
                    output ??= raw;
                    return objective.ComputeLoss(raw, y);
                });
                run.LossSum += outcome.Loss;
                if (accuracy)
                {
                    using var labels = task.Targets.index_select(0, index);
                    run.Correct += objective.CountCorrect(output!.detach(), labels).item<long>();
                }

                if (progress is not null && (step + 1) % reportEvery == 0)
                    progress.Report(new TrainingProgress(session.Context.TaskIndex, taskCount, step + 1, Options.StepsPerTask, "train", outcome.Loss));
            }
            if (step + 1 < Options.StepsPerTask) run.CheckpointIfDue(session);
        }
        double steps = Options.StepsPerTask;
        return (run.LossSum / steps, accuracy ? run.Correct / (steps * batch) : double.NaN);
    }

    /// <summary>What must match for a checkpoint to be resumed: everything that decides the numbers, and the code.</summary>
    private string Fingerprint(TaskSequence tasks, IEnumerable<TrainingHook> hooks)
    {
        string text = PlasticityJson.Serialize(new
        {
            Options = Options with { Threads = 0 },
            Tasks = tasks.Spec,
            Data = new { tasks.Data.Name, tasks.Data.Count, tasks.Data.ImageSize },
            Hooks = hooks.Select(h => h.GetType().FullName).ToArray(),
            Code = CodeVersion.Current,
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private (double Loss, double Accuracy) Evaluate(TrainingObjective objective, SupervisedTask task, Tensor targets)
    {
        int count = Options.EvaluationSamples == 0 ? task.Count : Math.Min(task.Count, Options.EvaluationSamples);
        return SampleEvaluation.Evaluate(Network, objective, task.Inputs, targets, objective.HasAccuracy ? task.Targets : null, count);
    }

    private ProbePointRecord ProbePoint(int taskIndex, TrainingSession session, Tensor probeInputs, PlasticityProbe probe, CancellationToken cancellationToken)
    {
        var record = new ProbePointRecord { TaskIndex = taskIndex, GlobalStep = session.Context.GlobalStep };
        // The same inputs (the first task's) and targets at every point of a run, chosen by a seed fixed for the run, so
        // probe losses along the run are comparable; the copies train with the run's parameterizations.
        record.Probe = probe.Measure(Network, Options.Optimizer, probeInputs, SeedSequence.Derive(Options.Seed, "probe"), session.Hooks, cancellationToken);
        session.RecordProbePoint(record);
        return record;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }
}
