using System.Text.Json.Serialization;
using Plasticity.ML.Interventions;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators;

/// <summary>
/// The training settings a model was trained with, as recorded in the model (and its saved file): enough to repeat the
/// training with the same seed. Models saved before early stopping existed read with
/// <see cref="ValidationFraction"/> = 0 and <see cref="MinimumSteps"/> = 0, which is how they were trained.
/// </summary>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="Epochs">Maximum passes over each window.</param>
/// <param name="Seed">The seed that was used (from the options, or drawn from the MLContext).</param>
/// <param name="Optimizer">The optimizer settings.</param>
/// <param name="Interventions">The interventions, in order.</param>
/// <param name="ValidationFraction">Fraction of each window held out for early stopping (0: none).</param>
/// <param name="EarlyStoppingPatience">Epochs without improvement before a window stops.</param>
/// <param name="MinimumSteps">Least optimizer steps per window.</param>
/// <param name="PlateauLearningRateFactor">Learning-rate factor at a plateau of the held-out loss (1: constant).</param>
/// <param name="WeightAveragingEpochs">Span in epochs of the weight average that early stopping ranked and kept (0: none;
/// models saved before weight averaging existed read 0, which is how they were trained).</param>
public sealed record PlasticTrainingSettings(int BatchSize, int Epochs, long Seed, OptimizerOptions Optimizer,
    [property: JsonPropertyName("interventions")] List<InterventionSpec> Interventions,
    double ValidationFraction = 0, int EarlyStoppingPatience = 0, int MinimumSteps = 0, double PlateauLearningRateFactor = 1, double WeightAveragingEpochs = 0);
