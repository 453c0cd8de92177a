using Microsoft.ML;
using Plasticity.ML.Interventions;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// <see cref="PlasticTrainerOptionsBase.WeightAveragingEpochs"/>: with early stopping, the held-out rows rank and the
/// window keeps an exponential moving average of the weights; never with interventions; bad values are refused.
/// </summary>
[TestClass]
public sealed class WeightAveragingTests
{
    /// <summary>100 rows, a fifth held out: 80 training rows at batch 16 are 5 steps per epoch.</summary>
    private static PlasticRegressionTrainer.Options Options(double averagingEpochs)
    {
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 15;
        options.ValidationFraction = 0.2;
        options.EarlyStoppingPatience = 5;
        options.WeightAveragingEpochs = averagingEpochs;
        return options;
    }

    private static (float[] Scores, List<string> Log) Fit(PlasticRegressionTrainer.Options options)
    {
        var ml = new MLContext(seed: 0);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("kept epoch", StringComparison.Ordinal)) log.Add(e.Message); };
        using var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(100, seed: 1)));
        return (SyntheticData.Scores(model.Transform(ml.Data.LoadFromEnumerable(SyntheticData.Regression(50, seed: 2)))), log);
    }

    [TestMethod]
    public void TheKeptModelIsTheAverageOverTheGivenEpochs()
    {
        // 4 epochs of 5 steps: decay 1 - 1/20. Every epoch's average is ranked, so the log names the decay.
        var (averaged, log) = Fit(Options(4));
        Assert.HasCount(1, log);
        StringAssert.Contains(log[0], "weight average (decay 0.95)");
        var (plain, plainLog) = Fit(Options(0));
        Assert.IsFalse(plainLog.Single().Contains("weight average", StringComparison.Ordinal), plainLog.Single());
        Assert.IsFalse(averaged.SequenceEqual(plain), "the average gave the same model as the last weights");
        // A short span has the floor of 10 steps: 1 epoch of 5 steps gives decay 0.9, not 0.8.
        StringAssert.Contains(Fit(Options(1)).Log.Single(), "weight average (decay 0.9)");
    }

    [TestMethod]
    public void WithAnInterventionNoAverageIsKept()
    {
        var withAverage = Options(4);
        withAverage.Interventions = [new L2InitSpec { Lambda = 1e-3 }];
        var without = Options(0);
        without.Interventions = [new L2InitSpec { Lambda = 1e-3 }];
        var (a, log) = Fit(withAverage);
        Assert.IsFalse(log.Single().Contains("weight average", StringComparison.Ordinal), log.Single());
        CollectionAssert.AreEqual(Fit(without).Scores, a);
    }

    [TestMethod]
    public void WithoutEarlyStoppingNoAverageIsKept()
    {
        var withAverage = Options(4);
        withAverage.ValidationFraction = 0;
        var without = Options(0);
        without.ValidationFraction = 0;
        CollectionAssert.AreEqual(Fit(without).Scores, Fit(withAverage).Scores);
    }

    [TestMethod]
    public void NegativeOrNonFiniteSpansAreRefusedWithTheirValue()
    {
        var ml = new MLContext(seed: 0);
        foreach (double bad in new[] { -1, double.NaN, double.PositiveInfinity })
        {
            var options = Options(bad);
            var e = Assert.ThrowsExactly<ArgumentException>(() => ml.Regression.Trainers.PlasticNeuralNetwork(options));
            StringAssert.Contains(e.Message, nameof(PlasticTrainerOptionsBase.WeightAveragingEpochs));
            StringAssert.Contains(e.Message, bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [TestMethod]
    public void TheDefaultAveragesOverTwoEpochsAndTheModelRecordsIt()
    {
        Assert.AreEqual(2, new PlasticMulticlassClassificationTrainer.Options().WeightAveragingEpochs);
        var ml = new MLContext(seed: 0);
        using var model = ml.Regression.Trainers.PlasticNeuralNetwork(Options(3)).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(100, seed: 1)));
        Assert.AreEqual(3, model.Model.TrainingSettings.WeightAveragingEpochs);
        // The setting is saved with the model.
        using var stream = new MemoryStream();
        ml.Model.Save(model, null, stream);
        stream.Position = 0;
        var loaded = (PlasticNeuralNetworkTransformer)new MLContext(seed: 0).Model.Load(stream, out _);
        Assert.AreEqual(3, loaded.Model.TrainingSettings.WeightAveragingEpochs);
    }
}
