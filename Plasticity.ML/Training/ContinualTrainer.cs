using System.Diagnostics;
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
    /// <exception cref="ArithmeticException">The loss became NaN or infinite.</exception>
    public ContinualRunResult Run(TaskSequence tasks, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        // libtorch's intra-op thread count is process-wide: a scope sets it for the run (the policy picks 1 thread for
        // networks this small, where per-op overhead dominates) and the last run to finish puts the previous value
        // back, so runs started side by side do not undo each other's setting (see TorchThreads.Use).
        using var threads = TorchThreads.Use(TorchThreads.Choose(Network.ParameterCount, Options.BatchSize, Options.Threads));
        return RunTasks(tasks, progress, cancellationToken);
    }

    private ContinualRunResult RunTasks(TaskSequence tasks, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (tasks.Data.ImageSize != Options.Network.InputSize)
            throw new ArgumentException($"The network expects {Options.Network.InputSize} input features but the data has {tasks.Data.ImageSize}.");
        var objective = new TrainingObjective(Options.Network.Head, tasks.TargetKind, tasks.OutputCount, Options.Loss, Options.HuberDelta);
        var hooks = Options.Interventions.Select(i => i.CreateHook()).Concat(extraHooks).ToList();
        if (StatisticsPanel is not null) hooks.Add(StatisticsPanel);
        var context = new TrainingContext(Network, Optimizer, objective, Options);
        var probe = Options.Probe is null ? null : new PlasticityProbe(Options.Probe);
        var clock = Stopwatch.StartNew();
        var metrics = new List<TaskMetrics>(tasks.TaskCount);
        var batchRandom = SeedSequence.CreateRandom(Options.Seed, "batches");
        ProbePointRecord? initial = null;

        foreach (var hook in hooks) hook.OnTrainingStart(context);

        for (int t = 0; t < tasks.TaskCount; t++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var task = tasks.CreateTask(t);
            using var preparedTargets = objective.PrepareTargets(task.Targets);
            context.Task = task;
            context.TaskIndex = t;
            context.StepInTask = 0;

            if (t == 0 && probe is not null)
            {
                progress?.Report(new TrainingProgress(0, tasks.TaskCount, 0, Options.StepsPerTask, "probe", double.NaN));
                initial = ProbePoint(-1, context, task, probe, hooks, cancellationToken);
            }

            foreach (var hook in hooks) hook.OnTaskStart(context);
            var taskClock = Stopwatch.StartNew();
            var (onlineLoss, onlineAccuracy) = TrainTask(context, task, preparedTargets, hooks, batchRandom, tasks.TaskCount, progress, cancellationToken);
            double trainSeconds = taskClock.Elapsed.TotalSeconds;
            foreach (var hook in hooks) hook.OnTaskEnd(context);

            var (finalLoss, finalAccuracy) = Evaluate(objective, task, preparedTargets);
            bool probeNow = probe is not null && (t == tasks.TaskCount - 1 || Options.ProbeEveryTasks > 0 && (t + 1) % Options.ProbeEveryTasks == 0);
            ProbePointRecord? point = null;
            if (probeNow)
            {
                progress?.Report(new TrainingProgress(t, tasks.TaskCount, Options.StepsPerTask, Options.StepsPerTask, "probe", finalLoss));
                point = ProbePoint(t, context, task, probe!, hooks, cancellationToken);
            }
            metrics.Add(new TaskMetrics
            {
                TaskIndex = t,
                FinalTrainLoss = finalLoss,
                FinalTrainAccuracy = finalAccuracy,
                OnlineLoss = onlineLoss,
                OnlineAccuracy = onlineAccuracy,
                TrainSeconds = trainSeconds,
                ProbePoint = point,
            });
            context.Task = null;
        }

        progress?.Report(new TrainingProgress(tasks.TaskCount - 1, tasks.TaskCount, Options.StepsPerTask, Options.StepsPerTask, "done", double.NaN));
        return new ContinualRunResult
        {
            Options = Options,
            Tasks = metrics,
            InitialProbePoint = initial,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private (double Loss, double Accuracy) TrainTask(TrainingContext context, SupervisedTask task, Tensor targets, List<TrainingHook> hooks,
        Random batchRandom, int taskCount, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        int n = task.Count;
        int batch = Math.Min(Options.BatchSize, n);
        var indices = new long[batch];
        bool accuracy = context.Objective.HasAccuracy;
        int reportEvery = Math.Max(1, Options.StepsPerTask / 10);
        double lossSum = 0;
        long correct = 0;
        Network.train();

        for (int step = 0; step < Options.StepsPerTask; step++)
        {
            if ((step & 31) == 0) cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            for (int i = 0; i < batch; i++) indices[i] = batchRandom.Next(n);
            using var index = tensor(indices);
            var x = task.Inputs.index_select(0, index);
            var y = targets.index_select(0, index);
            context.BatchInputs = x;
            context.BatchTargets = y;

            Optimizer.ZeroGrad();
            var output = Network.forward(x);
            var loss = context.Objective.ComputeLoss(output, y);
            double lossValue = loss.item<float>();
            if (!double.IsFinite(lossValue))
                throw new ArithmeticException($"The training loss became {lossValue} at task {context.TaskIndex}, step {step}; refusing to train on it. Lower the learning rate or check the data for NaN/Infinity.");
            lossSum += lossValue;
            if (accuracy)
            {
                using var labels = task.Targets.index_select(0, index);
                correct += context.Objective.CountCorrect(output.detach(), labels).item<long>();
            }
            foreach (var hook in hooks)
            {
                var extra = hook.AdditionalLoss(context);
                if (extra is not null) loss = loss.add(extra, Scalars.One);
            }
            loss.backward();
            foreach (var hook in hooks) hook.AfterBackward(context);
            Optimizer.Step();
            context.StepInTask = step + 1;
            context.GlobalStep++;
            foreach (var hook in hooks) hook.AfterStep(context);
            context.BatchInputs = null;
            context.BatchTargets = null;

            if (progress is not null && (step + 1) % reportEvery == 0)
                progress.Report(new TrainingProgress(context.TaskIndex, taskCount, step + 1, Options.StepsPerTask, "train", lossValue));
        }
        double steps = Options.StepsPerTask;
        return (lossSum / steps, accuracy ? correct / (steps * batch) : double.NaN);
    }

    private (double Loss, double Accuracy) Evaluate(TrainingObjective objective, SupervisedTask task, Tensor targets)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Network.eval();
        try
        {
            int n = task.Count;
            int count = Options.EvaluationSamples == 0 ? n : Math.Min(n, Options.EvaluationSamples);
            const int chunk = 1024;
            double lossSum = 0;
            long correct = 0;
            for (int start = 0; start < count; start += chunk)
            {
                int length = Math.Min(chunk, count - start);
                using var inner = NewDisposeScope();
                var x = task.Inputs.narrow(0, start, length);
                var y = targets.narrow(0, start, length);
                var output = Network.forward(x);
                lossSum += objective.ComputeLoss(output, y).item<float>() * length;
                if (objective.HasAccuracy) correct += objective.CountCorrect(output, task.Targets.narrow(0, start, length)).item<long>();
            }
            return (lossSum / count, objective.HasAccuracy ? (double)correct / count : double.NaN);
        }
        finally
        {
            Network.train();
        }
    }

    private ProbePointRecord ProbePoint(int taskIndex, TrainingContext context, SupervisedTask task, PlasticityProbe probe, List<TrainingHook> hooks, CancellationToken cancellationToken)
    {
        var record = new ProbePointRecord { TaskIndex = taskIndex, GlobalStep = context.GlobalStep };
        // The probe uses the same inputs at every point of a run (task inputs are shared unless inputs are permuted),
        // chosen by a seed fixed for the run, so probe losses along the run are comparable.
        record.Probe = probe.Measure(Network, Options.Optimizer, task.Inputs, SeedSequence.Derive(Options.Seed, "probe"), cancellationToken);
        foreach (var hook in hooks) hook.OnProbePoint(context, record);
        return record;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        Network.Dispose();
    }
}
