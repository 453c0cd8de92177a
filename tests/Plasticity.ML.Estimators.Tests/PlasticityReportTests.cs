using Microsoft.ML;
using Plasticity.ML.Estimators.Diagnostics;
using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Tests;

[TestClass]
public sealed class PlasticityReportTests
{
    private static readonly PlasticityReportOptions Quick = new() { Probe = new() { Targets = 2, Steps = 20, Inputs = 64, CurvePoints = 0 } };

    [TestMethod]
    public void StatisticsMatchAHandBuiltNetwork()
    {
        using var tensors = NewDisposeScope();
        // Hidden units: x0, x1, relu(-1) (dead), relu(0) (dead); output = sum of the units.
        using var network = NetworkFactory.Create(new NetworkSpec { InputShape = [2], HiddenWidths = [4], Head = new HeadSpec { Outputs = 1 } }, seed: 1);
        using (no_grad())
        {
            var hidden = network.HiddenLayers[0];
            hidden.Weight.copy_(tensor(new float[] { 1, 0, 0, 1, 0, 0, 0, 0 }, [4, 2]));
            hidden.Bias!.copy_(tensor(new float[] { 0, 0, -1, 0 }));
            network.OutputLayer.weight!.copy_(ones(1, 4));
            network.OutputLayer.bias!.zero_();
        }
        var random = new Random(3);
        var values = Enumerable.Range(0, 200).Select(_ => (float)(0.5 + 0.5 * random.NextDouble())).ToArray();
        using var inputs = tensor(values, [100, 2]);

        var report = PlasticityReporter.Measure(network, inputs, new Plasticity.ML.Optimization.OptimizerOptions(), Quick);

        CollectionAssert.AreEqual(new[] { 0.5 }, report.DeadUnitFraction);
        CollectionAssert.AreEqual(new[] { 0.5 }, report.DormantUnitFraction);
        Assert.AreEqual(2, report.FeatureRank);
        Assert.AreEqual(4, report.FeatureWidth);
        Assert.AreEqual(Math.Sqrt(1 + 1 + 1 + 4), report.ParameterNorm, 1e-6);
        Assert.AreEqual(100, report.Rows);
        Assert.IsTrue(double.IsFinite(report.ProbeLoss) && report.ProbeLoss >= 0);
        Assert.IsGreaterThan(0, report.ProbeBaseline);
    }

    [TestMethod]
    public void ReportRunsOnATrainedModelAndData()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 1));
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 1;
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(data);
        float[] before = SyntheticData.Scores(model.Transform(data));
        var report = PlasticityReporter.Measure(model, data, Quick);
        Assert.HasCount(1, report.DeadUnitFraction);
        Assert.AreEqual(64, report.Rows);
        Assert.IsTrue(report.FeatureRank is >= 1 and <= 16);
        CollectionAssert.AreEqual(before, SyntheticData.Scores(model.Transform(data)), "the report changed the model");
    }
}
