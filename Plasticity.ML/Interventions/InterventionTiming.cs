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

    /// <summary>True when the intervention acts at the start of task <paramref name="taskIndex"/>.</summary>
    public bool ActsAtTaskStart(int taskIndex) => Trigger == InterventionTrigger.TaskBoundary && taskIndex > 0;

    /// <summary>Throws <see cref="ArgumentException"/> for a non-positive period.</summary>
    public void Validate()
    {
        if (Trigger == InterventionTrigger.EveryNSteps && Period <= 0)
            throw new ArgumentException($"{nameof(Period)} must be positive; got {Period}.");
    }
}
