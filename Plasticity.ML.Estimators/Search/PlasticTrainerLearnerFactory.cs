using Plasticity.ML.Search.Trials;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Estimators.Search;

/// <summary>
/// The search's learner for the ML.NET trainers: each window is one warm-started <c>Fit(window, previousModel)</c> of a
/// <c>PlasticNeuralNetwork</c> trainer (multiclass, binary or regression, per <see cref="PlasticTrialOptions"/>), and a
/// window is scored with ML.NET's evaluator (multiclass: micro-accuracy and log-loss; binary: accuracy and log-loss;
/// regression: mean squared error) before it is learned. Its state is the saved ML.NET model (<c>model.zip</c>, which
/// <c>mlContext.Model.Load</c> reads), with the optimizer's state when the options retain it in the model file.
/// </summary>
public sealed class PlasticTrainerLearnerFactory : IWindowLearnerFactory
{
    /// <inheritdoc />
    public void Validate(string options, WindowStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var trial = PlasticTrialOptions.Parse(options);
        bool fits = trial.Kind switch
        {
            PlasticPredictionKind.MulticlassClassification => stream.TargetKind == TargetKind.ClassLabels,
            PlasticPredictionKind.BinaryClassification => stream.TargetKind == TargetKind.ClassLabels && stream.TargetCount == 2,
            _ => stream.TargetKind == TargetKind.Regression && stream.TargetCount == 1,
        };
        if (!fits)
            throw new ArgumentException($"A {trial.Kind} trainer cannot learn the stream '{stream.Name}' ({stream.TargetKind}, {stream.TargetCount}).");
        using var learner = new PlasticTrainerWindowLearner(trial, seed: 0, stream, stateFile: null);
    }

    /// <inheritdoc />
    public IWindowLearner Create(string options, long seed, WindowStream stream) =>
        new PlasticTrainerWindowLearner(PlasticTrialOptions.Parse(options), seed, stream, stateFile: null);

    /// <inheritdoc />
    public string? ContinuationConflict(string from, string to)
    {
        var a = PlasticTrialOptions.Parse(from);
        var b = PlasticTrialOptions.Parse(to);
        if (a.Kind != b.Kind) return "the trainer differs";
        var x = a.CreateTrainerOptions();
        var y = b.CreateTrainerOptions();
        if (!x.HiddenWidths.SequenceEqual(y.HiddenWidths) || x.Activation != y.Activation || x.Normalization != y.Normalization)
            return "the network differs (the weights do not carry over)";
        if (x is PlasticRegressionTrainer.Options rx && y is PlasticRegressionTrainer.Options ry && rx.Head.Kind != ry.Head.Kind)
            return "the head differs";
        if (x.Optimizer.Kind != y.Optimizer.Kind) return "the optimizer kind differs (its state does not carry over)";
        if (!x.Interventions.Select(i => i.GetType()).SequenceEqual(y.Interventions.Select(i => i.GetType()))) return "the interventions differ";
        return null;
    }

    /// <inheritdoc />
    public IWindowLearner Resume(string options, long seed, WindowStream stream, string stateFile) =>
        new PlasticTrainerWindowLearner(PlasticTrialOptions.Parse(options), seed, stream, stateFile);
}
