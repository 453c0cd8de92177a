using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// Transform scores blocks of rows; the results must be those of scoring row by row (the PredictionEngine path), and
/// every input column must pass through unchanged.
/// </summary>
[TestClass]
public sealed class ScoringTests
{
    public sealed class WideRow
    {
        [VectorType(3)] public float[] Raw { get; set; } = [];
        public string Class { get; set; } = "";
        public float Value { get; set; }
        public bool Positive { get; set; }
        public string Note { get; set; } = "";
        public double Precise { get; set; }
        [VectorType(2)] public double[] Pair { get; set; } = [];
    }

    private static List<WideRow> Rows(int count, int seed) => TabularData.Rows(count, seed).Select((r, i) => new WideRow
    {
        Raw = r.Raw,
        Class = r.Class,
        Value = r.Value,
        Positive = r.Positive,
        Note = $"row {i}",
        Precise = i * 0.1,
        Pair = [i, -i],
    }).ToList();

    private static ITransformer Train(MLContext ml, PlasticPredictionKind kind, IDataView data)
    {
        var normalize = TabularData.Normalize(ml);
        return kind switch
        {
            PlasticPredictionKind.Regression => normalize.Append(ml.Regression.Trainers.PlasticNeuralNetwork(
                TabularData.Quick(new PlasticRegressionTrainer.Options { LabelColumnName = "Value" }))).Fit(data),
            PlasticPredictionKind.BinaryClassification => normalize.Append(ml.BinaryClassification.Trainers.PlasticNeuralNetwork(
                TabularData.Quick(new PlasticBinaryClassificationTrainer.Options { LabelColumnName = "Positive" }))).Fit(data),
            _ => ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(normalize).Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(
                TabularData.Quick(new PlasticMulticlassClassificationTrainer.Options()))).Fit(data),
        };
    }

    /// <summary>The scores of the row-by-row path: a row mapper over a cursor, as a PredictionEngine uses it.</summary>
    private static float[] RowByRow(ITransformer model, IDataView data)
    {
        var mapper = model.GetRowToRowMapper(data.Schema);
        var score = mapper.OutputSchema["Score"];
        using var cursor = data.GetRowCursor(mapper.GetDependencies([score]));
        using var row = mapper.GetRow(cursor, [score]);
        var result = new List<float>();
        if (score.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<float>>(score);
            VBuffer<float> value = default;
            while (cursor.MoveNext()) { getter(ref value); result.AddRange(value.DenseValues()); }
        }
        else
        {
            var getter = row.GetGetter<float>(score);
            float value = 0;
            while (cursor.MoveNext()) { getter(ref value); result.Add(value); }
        }
        return [.. result];
    }

    [TestMethod]
    public void BatchedTransformGivesTheScoresOfRowByRowScoring()
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(Rows(300, 1));
        // 3,000 rows cross every block size (16, 32, ..., 1,024) and end in a partial block.
        var test = ml.Data.LoadFromEnumerable(Rows(3000, 2));
        foreach (var kind in new[] { PlasticPredictionKind.Regression, PlasticPredictionKind.BinaryClassification, PlasticPredictionKind.MulticlassClassification })
        {
            var model = Train(ml, kind, train);
            float[] batched = SyntheticData.Scores(model.Transform(test)), single = RowByRow(model, test);
            Assert.HasCount(single.Length, batched);
            // libtorch may sum a matrix product in a different order for a block than for one row: equal to float rounding.
            for (int i = 0; i < single.Length; i++)
                Assert.AreEqual(single[i], batched[i], 1e-5 * Math.Max(1, Math.Abs(single[i])), $"{kind}, value {i}");
            if (kind == PlasticPredictionKind.BinaryClassification)
            {
                var engine = ml.Model.CreatePredictionEngine<WideRow, BinaryPrediction>(model);
                var rows = Rows(50, 2);
                var labels = model.Transform(test).GetColumn<bool>("PredictedLabel").Take(50).ToArray();
                for (int i = 0; i < 50; i++) Assert.AreEqual(labels[i], engine.Predict(rows[i]).PredictedLabel, $"row {i}");
            }
        }
    }

    [TestMethod]
    public void InputColumnsPassThroughTheBatchedCursorUnchanged()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(1500, 4);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = Train(ml, PlasticPredictionKind.MulticlassClassification, ml.Data.LoadFromEnumerable(Rows(200, 1)));
        var scored = model.Transform(data);
        var back = ml.Data.CreateEnumerable<WideRow>(scored, reuseRowObject: false).ToList();
        Assert.HasCount(rows.Count, back);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(rows[i].Note, back[i].Note);
            Assert.AreEqual(rows[i].Precise, back[i].Precise);
            Assert.AreEqual(rows[i].Positive, back[i].Positive);
            CollectionAssert.AreEqual(rows[i].Raw, back[i].Raw);
            CollectionAssert.AreEqual(rows[i].Pair, back[i].Pair);
        }
        var predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var classes = scored.GetColumn<uint>("Label").ToArray();
        Assert.IsGreaterThan(0.9, predicted.Zip(classes).Count(p => p.First == p.Second) / (double)rows.Count);
    }

    [TestMethod]
    public void ACursorThatReadsAFewRowsSeesTheRightRowsAndPositions()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(100, 4));
        var model = Train(ml, PlasticPredictionKind.Regression, ml.Data.LoadFromEnumerable(Rows(200, 1)));
        var scored = model.Transform(data);
        var expected = SyntheticData.Scores(scored);
        using var cursor = scored.GetRowCursor(scored.Schema);
        var score = cursor.GetGetter<float>(scored.Schema["Score"]);
        var note = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Note"]);
        var id = cursor.GetIdGetter();
        Assert.AreEqual(-1, cursor.Position);
        Assert.Throws<InvalidOperationException>(() => { float v = 0; score(ref v); });
        var ids = new HashSet<DataViewRowId>();
        for (int i = 0; i < 20; i++)
        {
            Assert.IsTrue(cursor.MoveNext());
            Assert.AreEqual(i, cursor.Position);
            float value = 0;
            ReadOnlyMemory<char> text = default;
            DataViewRowId rowId = default;
            score(ref value);
            note(ref text);
            id(ref rowId);
            Assert.AreEqual(expected[i], value);
            Assert.AreEqual($"row {i}", text.ToString());
            Assert.IsTrue(ids.Add(rowId), "row ids must be distinct");
        }
    }

    [TestMethod]
    public void AConstantRegressionLabelTrainsAndPredictsItsValue()
    {
        var ml = new MLContext(seed: 1);
        var rows = TabularData.Rows(120, 5);
        foreach (var row in rows) row.Value = 42.5f;
        var model = TabularData.Normalize(ml).Append(ml.Regression.Trainers.PlasticNeuralNetwork(
            TabularData.Quick(new PlasticRegressionTrainer.Options { LabelColumnName = "Value" }))).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.AreEqual(42.5, model.LastTransformer.Model.LabelMean, 1e-6);
        Assert.AreEqual(1, model.LastTransformer.Model.LabelScale, "a zero standard deviation must not be divided by");
        foreach (float score in SyntheticData.Scores(model.Transform(ml.Data.LoadFromEnumerable(TabularData.Rows(50, 6)))))
            Assert.AreEqual(42.5, score, 0.05);
    }

    [TestMethod]
    public void AViewOfUnknownLengthTrainsLikeTheSameRowsOfKnownLength()
    {
        // A filter hides the row count, so the reader goes through blocks (and more than one: 5,000 rows > 4,096).
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Regression(5000, seed: 8);
        var known = ml.Data.LoadFromEnumerable(rows);
        var unknown = ml.Data.FilterRowsByColumn(known, nameof(RegressionRow.Label), lowerBound: -100, upperBound: 100);
        Assert.IsNull(unknown.GetRowCount());
        Assert.AreEqual(5000L, known.GetRowCount());
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 1;
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(50, seed: 9));
        float[] a = SyntheticData.Scores(ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(known).Transform(test));
        float[] b = SyntheticData.Scores(ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(unknown).Transform(test));
        CollectionAssert.AreEqual(a.Select(BitConverter.SingleToInt32Bits).ToArray(), b.Select(BitConverter.SingleToInt32Bits).ToArray());
    }
}
