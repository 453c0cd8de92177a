using Microsoft.ML;
using Microsoft.ML.Runtime;
using Plasticity.ML.Networks;

namespace Plasticity.ML.Estimators;

/// <summary>
/// Trains a plastic neural network for regression: a Single <c>Label</c>, a known-size Single vector of
/// <c>Features</c>, and a Single <c>Score</c> out. Create it with
/// <c>mlContext.Regression.Trainers.PlasticNeuralNetwork(...)</c>.
/// </summary>
public sealed class PlasticRegressionTrainer : PlasticTrainerBase<PlasticRegressionTrainer.Options>
{
    /// <summary>Options of <see cref="PlasticRegressionTrainer"/>.</summary>
    public sealed class Options : PlasticTrainerOptionsBase
    {
        /// <summary>The output head: <see cref="HeadKind.Regression"/> (MSE) or <see cref="HeadKind.TwoHot"/>, with one output.</summary>
        /// <remarks>A search sweeps its kind (regression or two-hot: Plasticity.ML's attribute on <see cref="HeadSpec.Kind"/>).</remarks>
        [Microsoft.ML.SearchSpace.NestOption]
        public HeadSpec Head { get; set; } = new() { Kind = HeadKind.Regression, Outputs = 1 };

        internal override void Validate()
        {
            base.Validate();
            ArgumentNullException.ThrowIfNull(Head, nameof(Head));
            Head.Validate();
            if (Head.Kind == HeadKind.Classification || Head.Outputs != 1)
                throw new ArgumentException($"A regression head must be {HeadKind.Regression} or {HeadKind.TwoHot} with 1 output; got {Head.Kind} with {Head.Outputs}.");
        }
    }

    internal PlasticRegressionTrainer(IHostEnvironment env, Options options)
        : base(env, options, PlasticPredictionKind.Regression, "PlasticRegressionTrainer")
    {
    }
}
