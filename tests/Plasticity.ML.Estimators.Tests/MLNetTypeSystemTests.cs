using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Plasticity.ML.Estimators.Internal;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// The trainers from an ML.NET app's point of view: an ordinary pipeline (NormalizeMinMax, then the trainer), and the
/// ML.NET tools that need a trainer in ML.NET's type system (model parameters, permutation feature importance,
/// one-versus-all, calibrators), with the outputs ML.NET's own trainers produce.
/// </summary>
[TestClass]
public sealed class MLNetTypeSystemTests
{
    private static readonly List<TabularRow> Train = TabularData.Rows(400, seed: 1);
    private static readonly List<TabularRow> Test = TabularData.Rows(300, seed: 2);

    private static PlasticRegressionTrainer Regression(MLContext ml) =>
        ml.Regression.Trainers.PlasticNeuralNetwork(TabularData.Quick(new PlasticRegressionTrainer.Options { LabelColumnName = "Value" }));

    private static PlasticBinaryClassificationTrainer Binary(MLContext ml) =>
        ml.BinaryClassification.Trainers.PlasticNeuralNetwork(TabularData.Quick(new PlasticBinaryClassificationTrainer.Options { LabelColumnName = "Positive" }));

    private static PlasticMulticlassClassificationTrainer Multiclass(MLContext ml) =>
        ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(TabularData.Quick(new PlasticMulticlassClassificationTrainer.Options()));

    [TestMethod]
    public void TrainerInfoAndModelParametersAreReachableTheMLNetWay()
    {
        var ml = new MLContext(seed: 1);
        var trainer = Regression(ml);
        Assert.IsTrue(trainer.Info.NeedNormalization);
        Assert.IsFalse(trainer.Info.WantCaching);
        Assert.IsTrue(MLNetInterop.SupportsIncrementalTraining(trainer.Info));
        ITrainerEstimator<ISingleFeaturePredictionTransformer<PlasticNeuralNetworkModelParameters>, PlasticNeuralNetworkModelParameters> asMLNetTrainer = trainer;

        var model = TabularData.Normalize(ml).Append(asMLNetTrainer).Fit(ml.Data.LoadFromEnumerable(Train));
        PlasticNeuralNetworkModelParameters parameters = model.LastTransformer.Model;
        Assert.AreEqual(PlasticPredictionKind.Regression, parameters.Kind);
        Assert.AreEqual(3, parameters.FeatureCount);
        Assert.AreEqual("Features", model.LastTransformer.FeatureColumnName);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 3), model.LastTransformer.FeatureColumnType);
        // The label (3 x0 + 200, x0 uniform on [0, 100]) is standardized with its own mean and standard deviation.
        double mean = Train.Average(r => (double)r.Value), std = Math.Sqrt(Train.Average(r => (r.Value - mean) * (r.Value - mean)));
        Assert.AreEqual(mean, parameters.LabelMean, 1e-3);
        Assert.AreEqual(std, parameters.LabelScale, 1e-3);
        Assert.IsGreaterThan(0.98, ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Test)), "Value").RSquared);
    }

    [TestMethod]
    public void WarmStartTakesTheModelParametersOfAPipeline()
    {
        var ml = new MLContext(seed: 1);
        var normalize = TabularData.Normalize(ml).Fit(ml.Data.LoadFromEnumerable(Train));
        var trainer = Regression(ml);
        var first = trainer.Fit(normalize.Transform(ml.Data.LoadFromEnumerable(Train.Take(200).ToList())));
        var second = trainer.Fit(normalize.Transform(ml.Data.LoadFromEnumerable(Train.Skip(200).ToList())), first.Model);
        Assert.AreEqual(2, second.Model.WindowsTrained);
        Assert.AreEqual(first.Model.LabelMean, second.Model.LabelMean, "a warm start keeps the label scaling");
        Assert.IsGreaterThan(0.98, ml.Regression.Evaluate(second.Transform(normalize.Transform(ml.Data.LoadFromEnumerable(Test))), "Value").RSquared);
    }

    [TestMethod]
    public void PermutationFeatureImportanceRanksTheInformativeFeatureFirst()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Train);
        var test = ml.Data.LoadFromEnumerable(Test);

        var regression = TabularData.Normalize(ml).Append(Regression(ml)).Fit(data);
        var r2 = ml.Regression.PermutationFeatureImportance(regression.LastTransformer, regression.Transform(test), labelColumnName: "Value", permutationCount: 2);
        Assert.HasCount(3, r2);
        // ML.NET reports each metric's change (permuted minus original): negative where a feature matters.
        Assert.IsLessThan(-0.5, r2[0].RSquared.Mean, "permuting x0 should destroy R^2");
        Assert.IsLessThan(0.05, Math.Abs(r2[1].RSquared.Mean));
        Assert.IsLessThan(0.05, Math.Abs(r2[2].RSquared.Mean));
        // The overload that takes the whole model finds the plastic transformer at the end of the chain and reports by
        // slot name (it needs named slots, here from Concatenate).
        var named = ml.Transforms.Concatenate("Named", "Signal", "Noise", "Jitter").Append(ml.Transforms.NormalizeMinMax("Features", "Named"))
            .Append(Regression(ml)).Fit(data);
        var byName = ml.Regression.PermutationFeatureImportance(named, named.Transform(test), labelColumnName: "Value");
        CollectionAssert.AreEquivalent(new[] { "Signal", "Noise", "Jitter" }, byName.Keys.ToArray());
        Assert.IsLessThan(-0.5, byName["Signal"].RSquared.Mean);
        Assert.IsLessThan(0.05, Math.Abs(byName["Noise"].RSquared.Mean));

        var binary = TabularData.Normalize(ml).Append(Binary(ml)).Fit(data);
        var auc = ml.BinaryClassification.PermutationFeatureImportance(binary.LastTransformer, binary.Transform(test), labelColumnName: "Positive");
        Assert.IsLessThan(-0.2, auc[0].AreaUnderRocCurve.Mean);
        Assert.IsLessThan(0.05, Math.Abs(auc[1].AreaUnderRocCurve.Mean));

        var multiclass = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(TabularData.Normalize(ml)).Append(Multiclass(ml)).Fit(data);
        var accuracy = ml.MulticlassClassification.PermutationFeatureImportance(multiclass.LastTransformer, multiclass.Transform(test));
        Assert.IsLessThan(-0.3, accuracy[0].MicroAccuracy.Mean);
        Assert.IsLessThan(0.05, Math.Abs(accuracy[2].MicroAccuracy.Mean));
    }

    [TestMethod]
    public void OneVersusAllTakesTheBinaryTrainerAndSavesAndLoads()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Train);
        // One-versus-all hands the binary trainer the key label as a Boolean column of the same name ("Label").
        var binary = TabularData.Quick(new PlasticBinaryClassificationTrainer.Options());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(TabularData.Normalize(ml))
            .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.PlasticNeuralNetwork(binary)));
        var model = pipeline.Fit(data);
        Assert.IsInstanceOfType<MulticlassPredictionTransformer<OneVersusAllModelParameters>>(model.LastTransformer);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Test));
        Assert.IsGreaterThan(0.9, ml.MulticlassClassification.Evaluate(scored).MicroAccuracy);

        string path = Path.Combine(Path.GetTempPath(), $"plastic-ova-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext(seed: 5).Model.Load(path, out _);
            float[] expected = SyntheticData.Scores(scored), actual = SyntheticData.Scores(loaded.Transform(ml.Data.LoadFromEnumerable(Test)));
            CollectionAssert.AreEqual(expected, actual);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void PlattCalibratorRefitsTheProbabilityFromTheScore()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Train);
        var model = TabularData.Normalize(ml).Append(Binary(ml)).Fit(data);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Test));
        // Our own probability is the sigmoid of the log-odds score, like logistic regression's.
        var scores = scored.GetColumn<float>("Score").ToArray();
        var own = scored.GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < scores.Length; i++) Assert.AreEqual(1 / (1 + Math.Exp(-scores[i])), own[i], 1e-6);

        var calibrator = ml.BinaryClassification.Calibrators.Platt(labelColumnName: "Positive").Fit(model.Transform(data));
        var calibrated = calibrator.Transform(scored);
        var platt = ((ISingleFeaturePredictionTransformer<Microsoft.ML.Calibrators.PlattCalibrator>)calibrator).Model;
        var probabilities = calibrated.GetColumn<float>("Probability").ToArray();
        for (int i = 0; i < scores.Length; i++)
            Assert.AreEqual(1 / (1 + Math.Exp(platt.Slope * scores[i] + platt.Offset)), probabilities[i], 1e-5);
        Assert.IsLessThan(0, platt.Slope, "a higher score must mean a higher probability");
        var metrics = ml.BinaryClassification.Evaluate(calibrated, labelColumnName: "Positive");
        Assert.IsGreaterThan(0.98, metrics.AreaUnderRocCurve);
    }

    [TestMethod]
    public void OutputColumnsCarryTheAnnotationsOfMLNetsOwnTrainers()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Train);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(TabularData.Normalize(ml)).Fit(data).Transform(data);
        var shape = MLNetInterop.ForTests.SchemaShapeOf(keyed.Schema);

        var cases = new (string Name, IEstimator<ITransformer> Ours, IEstimator<ITransformer> Sdca)[]
        {
            ("regression", Regression(ml), ml.Regression.Trainers.Sdca(labelColumnName: "Value")),
            ("binary", Binary(ml), ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: "Positive")),
            ("multiclass", Multiclass(ml), ml.MulticlassClassification.Trainers.SdcaMaximumEntropy()),
        };
        foreach (var (name, ours, sdca) in cases)
        {
            var expectedSchema = sdca.Fit(keyed).Transform(keyed).Schema;
            var actualSchema = ours.Fit(keyed).Transform(keyed).Schema;
            var outputs = expectedSchema.Skip(keyed.Schema.Count).Select(c => c.Name).ToArray();
            Assert.AreEqual(string.Join(", ", outputs), string.Join(", ", actualSchema.Skip(keyed.Schema.Count).Select(c => c.Name)), name);
            foreach (string column in outputs)
                Assert.AreEqual(Describe(expectedSchema[column]), Describe(actualSchema[column]), $"{name}: {column}");

            var expectedShape = sdca.GetOutputSchema(shape);
            var actualShape = ours.GetOutputSchema(shape);
            foreach (string column in outputs)
            {
                var e = expectedShape.First(c => c.Name == column);
                var a = actualShape.First(c => c.Name == column);
                Assert.AreEqual(Describe(e), Describe(a), $"{name}: estimator output {column}");
            }
        }
    }

    /// <summary>A column's type and every annotation (name, type, value), by annotation name (scorers differ in order).</summary>
    internal static string Describe(DataViewSchema.Column column) =>
        $"{column.Name}: {column.Type}; " + string.Join("; ", column.Annotations.Schema.OrderBy(a => a.Name, StringComparer.Ordinal)
            .Select(a => $"{a.Name}: {a.Type} = {Value(column.Annotations, a)}"));

    private static string Describe(SchemaShape.Column column) =>
        $"{column.Name}: {column.Kind} {column.ItemType} key={column.IsKey}; " +
        string.Join("; ", column.Annotations.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => $"{a.Name}: {a.Kind} {a.ItemType} key={a.IsKey}"));

    private static string Value(DataViewSchema.Annotations annotations, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case TextDataViewType: { ReadOnlyMemory<char> v = default; annotations.GetValue(column.Name, ref v); return v.ToString(); }
            case BooleanDataViewType: { bool v = false; annotations.GetValue(column.Name, ref v); return v.ToString(); }
            case KeyDataViewType: { uint v = 0; annotations.GetValue(column.Name, ref v); return v.ToString(System.Globalization.CultureInfo.InvariantCulture); }
            case VectorDataViewType { ItemType: TextDataViewType }:
            {
                VBuffer<ReadOnlyMemory<char>> v = default;
                annotations.GetValue(column.Name, ref v);
                return "[" + string.Join(", ", v.DenseValues()) + "]";
            }
            default: return "?";
        }
    }
}
