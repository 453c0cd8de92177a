using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Base of the hooks of interventions that act at discrete moments (resets, recycling, shrink &amp; perturb):
/// <see cref="Act"/> runs at task boundaries or after steps, as the <see cref="InterventionTiming"/> says.
/// </summary>
public abstract class ScheduledInterventionHook : TrainingHook
{
    /// <summary>Creates a hook acting on <paramref name="timing"/>.</summary>
    protected ScheduledInterventionHook(InterventionTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        Timing = timing;
    }

    /// <summary>When it acts.</summary>
    public InterventionTiming Timing { get; }

    /// <summary>How many times <see cref="Act"/> has run; hooks use it to derive a fresh random stream per action.</summary>
    public int Actions { get; private set; }

    /// <inheritdoc />
    public override void OnTaskStart(TrainingContext context)
    {
        if (Timing.ActsAtTaskStart(context)) Run(context);
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingContext context)
    {
        if (Timing.ActsAfterStep(context.GlobalStep)) Run(context);
    }

    /// <summary>Carries the intervention out once; <paramref name="action"/> counts the actions from 0.</summary>
    protected abstract void Act(TrainingContext context, int action);

    /// <inheritdoc />
    public override void SaveState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("actions", Actions);
    }

    /// <inheritdoc />
    public override void LoadState(StateBag state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Actions = checked((int)state.GetInt64("actions"));
    }

    private void Run(TrainingContext context) => Act(context, Actions++);
}
