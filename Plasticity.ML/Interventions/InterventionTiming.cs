using System.Text.Json.Serialization;
using Plasticity.ML.Search;

namespace Plasticity.ML.Interventions;

/// <summary>When an intervention acts.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InterventionTrigger>))]
public enum InterventionTrigger
{
    /// <summary>After every optimizer step (or, for loss terms, in every step).</summary>
    EveryStep,

    /// <summary>After every <see cref="InterventionTiming.Period"/> optimizer steps (counted over the whole run).</summary>
    EveryNSteps,

    /// <summary>At each task boundary (before every task but the first).</summary>
    TaskBoundary,

    /// <summary>
    /// At each stage boundary: before the first task of every stage but the first, where a stage is a longer segment of
    /// training on one data source (an agent's next game in a continual chain; see
    /// <see cref="Training.TrainingSession.BeginTask(int, Training.IObservationSource?, bool)"/>). Learners without stages
    /// never reach one.
    /// </summary>
    StageBoundary,
}

/// <summary>When an intervention acts: its trigger and, for <see cref="InterventionTrigger.EveryNSteps"/>, the period.</summary>
public sealed record InterventionTiming
{
    /// <summary>The trigger.</summary>
    public InterventionTrigger Trigger { get; init; } = InterventionTrigger.TaskBoundary;

    /// <summary>Period in steps for <see cref="InterventionTrigger.EveryNSteps"/>.</summary>
    [Range(10, 100_000, 1000, logBase: true)]
    public int Period { get; init; } = 1000;

    /// <summary>At each task boundary.</summary>
    public static InterventionTiming AtTaskBoundaries { get; } = new();

    /// <summary>After every step.</summary>
    public static InterventionTiming EveryStep { get; } = new() { Trigger = InterventionTrigger.EveryStep };

    /// <summary>Every <paramref name="period"/> steps.</summary>
    public static InterventionTiming Every(int period) => new() { Trigger = InterventionTrigger.EveryNSteps, Period = period };

    /// <summary>True when the intervention acts after global step <paramref name="globalStep"/> (counted from 1).</summary>
    public bool ActsAfterStep(long globalStep) => Trigger switch
    {
        InterventionTrigger.EveryStep => true,
        InterventionTrigger.EveryNSteps => globalStep % Period == 0,
        _ => false,
    };

    /// <summary>At each stage boundary (an agent's next game in a continual chain).</summary>
    public static InterventionTiming AtStageBoundaries { get; } = new() { Trigger = InterventionTrigger.StageBoundary };

    /// <summary>True when the intervention acts at the start of task <paramref name="taskIndex"/> (task-boundary trigger only).</summary>
    public bool ActsAtTaskStart(int taskIndex) => Trigger == InterventionTrigger.TaskBoundary && taskIndex > 0;

    /// <summary>True when the intervention acts at the start of the task <paramref name="context"/> is beginning: at every
    /// task boundary, or at a stage boundary, as the trigger says.</summary>
    public bool ActsAtTaskStart(Training.TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Trigger switch
        {
            InterventionTrigger.TaskBoundary => context.TaskIndex > 0,
            InterventionTrigger.StageBoundary => context.StartsStage,
            _ => false,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a non-positive period.</summary>
    public void Validate()
    {
        if (Trigger == InterventionTrigger.EveryNSteps && Period <= 0)
            throw new ArgumentException($"{nameof(Period)} must be positive; got {Period}.");
    }
}
