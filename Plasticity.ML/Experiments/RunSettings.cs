using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>
/// Everything that decides the numbers of one run of a supervised experiment (the seed is in the options). Stored with
/// the run, so that later code can tell whether the run still stands for its settings: read back, a setting added
/// since takes its default, which is how the library adds settings.
/// </summary>
/// <param name="Data">The images.</param>
/// <param name="Tasks">The task sequence the variant runs.</param>
/// <param name="Options">The training options of the run, threads left out (they decide speed, not numbers).</param>
public sealed record RunSettings(DataSpec Data, TaskSequenceSpec Tasks, ContinualTrainingOptions Options);
