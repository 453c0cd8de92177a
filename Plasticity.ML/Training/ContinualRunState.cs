using System.Diagnostics;
using Plasticity.ML.Common;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Training;

/// <summary>
/// Where a continual run is (task, step, the current task's running sums, the metrics so far, the mini-batch stream),
/// and its checkpoints: written at task boundaries and, within a task, when due; read back to resume a killed run.
/// </summary>
internal sealed class ContinualRunState
{
    private readonly RunCheckpointing? checkpointing;
    private readonly Stopwatch sinceCheckpoint = Stopwatch.StartNew();
    private readonly Stopwatch runClock = Stopwatch.StartNew();
    private readonly Stopwatch taskClock = new();
    private double secondsBefore;
    private double taskSecondsBefore;

    public ContinualRunState(string fingerprint, RandomStream batches, RunCheckpointing? checkpointing)
    {
        Fingerprint = fingerprint;
        Batches = batches;
        this.checkpointing = checkpointing;
    }

    /// <summary>What a checkpoint must match to be resumed.</summary>
    public string Fingerprint { get; }

    /// <summary>The mini-batch index stream.</summary>
    public RandomStream Batches { get; }

    /// <summary>Metrics of the finished tasks.</summary>
    public List<TaskMetrics> Tasks { get; private set; } = [];

    /// <summary>The initial probe point.</summary>
    public ProbePointRecord? Initial { get; set; }

    /// <summary>The task in progress, or the next one to start.</summary>
    public int TaskIndex { get; private set; }

    /// <summary>Steps done in <see cref="TaskIndex"/> (where a resumed task continues).</summary>
    public int StepInTask { get; private set; }

    /// <summary>True when <see cref="TaskIndex"/> has started (its start hooks ran before the checkpoint).</summary>
    public bool TaskStarted { get; private set; }

    /// <summary>Sum of the current task's mini-batch losses.</summary>
    public double LossSum { get; set; }

    /// <summary>Correct predictions in the current task's mini-batches.</summary>
    public long Correct { get; set; }

    /// <summary>Seconds spent training the current task (across a resume).</summary>
    public double TaskSeconds => taskSecondsBefore + taskClock.Elapsed.TotalSeconds;

    /// <summary>Seconds of the whole run (across a resume).</summary>
    public double Seconds => secondsBefore + runClock.Elapsed.TotalSeconds;

    /// <summary>
    /// Loads the newest good checkpoint of this run, if any, into <paramref name="session"/> and this state; reports
    /// what happened. A checkpoint of other settings or code, or a damaged one, is reported and not used.
    /// </summary>
    /// <returns>True when the run resumes from a checkpoint.</returns>
    public bool TryResume(TrainingSession session, int taskCount, int stepsPerTask, IProgress<TrainingProgress>? progress)
    {
        if (checkpointing is null) return false;
        void Warn(string message) => progress?.Report(new TrainingProgress(0, taskCount, 0, stepsPerTask, "warning", double.NaN, message));
        var checkpoint = Checkpoint.LoadNewest(checkpointing.Path, message => Warn(message + " It is not used."));
        if (checkpoint is null) return false;
        var record = PlasticityJson.Deserialize<Record>(checkpoint.Description);
        if (record.Fingerprint != Fingerprint)
        {
            Warn($"The checkpoint {checkpointing.Path} was written by other settings or other code; the run starts from the beginning.");
            Checkpoint.Delete(checkpointing.Path);
            return false;
        }
        session.Load(checkpoint);
        checkpoint.Bag("trainer").Restore("batches", Batches);
        Tasks = record.Tasks;
        Initial = record.Initial;
        TaskIndex = record.TaskIndex;
        StepInTask = record.StepInTask;
        TaskStarted = record.TaskStarted;
        LossSum = record.LossSum;
        Correct = record.Correct;
        taskSecondsBefore = record.TaskSeconds;
        secondsBefore = record.Seconds;
        string where = record.TaskIndex >= taskCount ? "after its last task"
            : $"at task {record.TaskIndex + 1}/{taskCount}, step {record.StepInTask}/{stepsPerTask}";
        progress?.Report(new TrainingProgress(Math.Min(record.TaskIndex, taskCount - 1), taskCount, record.StepInTask, stepsPerTask, "resumed", double.NaN,
            $"resumed {where} from the checkpoint {checkpointing.Path}"));
        return true;
    }

    /// <summary>Starts (or, after a resume inside it, continues) training task <paramref name="taskIndex"/>.</summary>
    public void StartTask(int taskIndex)
    {
        if (!(TaskStarted && TaskIndex == taskIndex))
        {
            StepInTask = 0;
            LossSum = 0;
            Correct = 0;
            taskSecondsBefore = 0;
        }
        TaskIndex = taskIndex;
        TaskStarted = true;
        taskClock.Restart();
    }

    /// <summary>The current task's training has ended (its evaluation and probe follow).</summary>
    public void StopTaskClock() => taskClock.Stop();

    /// <summary>Checkpoints inside a task when the interval (or the step period) says so.</summary>
    public void CheckpointIfDue(TrainingSession session)
    {
        if (checkpointing is null) return;
        bool byStep = checkpointing.EverySteps > 0 && session.Context.GlobalStep % checkpointing.EverySteps == 0;
        if (!byStep && sinceCheckpoint.Elapsed < checkpointing.Interval) return;
        CheckpointNow(session);
    }

    /// <summary>Checkpoints inside a task now, between two steps (when the run is cancelled).</summary>
    public void CheckpointNow(TrainingSession session)
    {
        if (checkpointing is null) return;
        StepInTask = session.Context.StepInTask;
        Save(session);
    }

    /// <summary>The task's metrics are recorded: the next task is due; checkpoints the boundary.</summary>
    public void FinishTask(TrainingSession session)
    {
        TaskIndex++;
        StepInTask = 0;
        TaskStarted = false;
        LossSum = 0;
        Correct = 0;
        taskSecondsBefore = 0;
        if (checkpointing is not null) Save(session);
    }

    /// <summary>The run is complete: its checkpoint is no longer needed.</summary>
    public void Finish()
    {
        if (checkpointing is not null && !checkpointing.KeepWhenFinished) Checkpoint.Delete(checkpointing.Path);
    }

    private void Save(TrainingSession session)
    {
        var record = new Record
        {
            Fingerprint = Fingerprint,
            Code = CodeVersion.Current,
            TaskIndex = TaskIndex,
            StepInTask = StepInTask,
            TaskStarted = TaskStarted,
            LossSum = LossSum,
            Correct = Correct,
            TaskSeconds = TaskSeconds,
            Seconds = Seconds,
            Tasks = Tasks,
            Initial = Initial,
        };
        var checkpoint = new Checkpoint(PlasticityJson.Serialize(record));
        session.Save(checkpoint);
        checkpoint.Add("trainer").Set("batches", Batches);
        checkpoint.Save(checkpointing!.Path);
        sinceCheckpoint.Restart();
    }

    /// <summary>The JSON description of a checkpoint.</summary>
    private sealed record Record
    {
        public string Fingerprint { get; init; } = "";
        public string Code { get; init; } = "";
        public int TaskIndex { get; init; }
        public int StepInTask { get; init; }
        public bool TaskStarted { get; init; }
        public double LossSum { get; init; }
        public long Correct { get; init; }
        public double TaskSeconds { get; init; }
        public double Seconds { get; init; }
        public List<TaskMetrics> Tasks { get; init; } = [];
        public ProbePointRecord? Initial { get; init; }
    }
}
