namespace Plasticity.ML.Orleans.Messages;

/// <summary>Where an attempt at a trial stands on its silo.</summary>
[GenerateSerializer, Alias("Plasticity.ML.Orleans.TrialAttemptState")]
public enum TrialAttemptState
{
    /// <summary>The trial is running (or waiting for one of the silo's slots).</summary>
    Running = 0,

    /// <summary>The trial ended, completed or failed by itself: <see cref="TrialAttemptReport.Outcome"/> holds its outcome.</summary>
    Completed = 1,

    /// <summary>
    /// The silo cannot run trials of this search: it cannot read the window stream or reach the checkpoint folder, or
    /// its trial workers do not start. An infrastructure error, not the trial's: the search tries another silo.
    /// </summary>
    Refused = 2,

    /// <summary>The silo knows no such attempt: the silo that ran it is gone (the grain was activated again elsewhere).</summary>
    Unknown = 3,

    /// <summary>The trial was stopped before its end: cancelled by the search, its lease ran out, or the silo is shutting down.</summary>
    Stopped = 4,
}
