using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators;

namespace Plasticity.ML.Benchmarks;

/// <summary>Scoring speed of a trained model on an evaluation set, three ways, measured interleaved.</summary>
/// <param name="Dataset">What was scored.</param>
/// <param name="Rows">Rows scored per pass.</param>
/// <param name="Network">The network, e.g. 784-128-128-10.</param>
/// <param name="BatchedSeconds">Median seconds of one pass of <c>Transform</c> (scored in blocks), reading every Score.</param>
/// <param name="RowByRowSeconds">Median seconds of one pass of row-by-row scoring (one forward pass per row, as
/// <c>Transform</c> did before): the model's row mapper over a cursor.</param>
/// <param name="EngineSeconds">Median seconds of one <c>PredictionEngine.Predict</c> on one row.</param>
public sealed record ScoringResult(string Dataset, int Rows, string Network, double BatchedSeconds, double RowByRowSeconds, double EngineSeconds)
{
    /// <summary>Batched rows per second.</summary>
    public double BatchedRowsPerSecond => Rows / BatchedSeconds;

    /// <summary>Row-by-row rows per second.</summary>
    public double RowByRowRowsPerSecond => Rows / RowByRowSeconds;

    /// <summary>How many times more rows per second the batched path scores.</summary>
    public double Speedup => RowByRowSeconds / BatchedSeconds;
}

/// <summary>
/// Measures <c>Transform</c> (blocks of rows per forward pass) against row-by-row scoring (one forward pass per row,
/// the path a <c>PredictionEngine</c> and the first release's <c>Transform</c> take) on the same evaluation rows, and
/// a <c>PredictionEngine</c>'s latency on one row, for a default multiclass model on tabular data (digits, 64
/// features) and on images (Fashion-MNIST, 784). Both paths read the same IDataView through ML.NET cursors.
/// </summary>
public static class ScoringBenchmark
{
    private sealed class Row
    {
        public float[] Features { get; set; } = [];
        public float Class { get; set; }
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>Trains a default multiclass model on the first 2,000 rows (fewer if the set is smaller) and scores <paramref name="rows"/> rows, cycling through the set.</summary>
    public static ScoringResult Measure(TabularDataset dataset, int rows, int rounds, int maxEpochs)
    {
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dataset.FeatureCount);
        List<Row> Take(int count) => Enumerable.Range(0, count).Select(i => new Row { Features = dataset.Features[i % dataset.Rows], Class = dataset.Labels[i % dataset.Rows] }).ToList();
        var normalize = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(ml.Transforms.NormalizeMinMax("Features"));
        var trainRows = ml.Data.LoadFromEnumerable(Take(Math.Min(2000, dataset.Rows)), schema);
        var prepared = normalize.Fit(trainRows);
        var plastic = ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(new PlasticMulticlassClassificationTrainer.Options { Epochs = maxEpochs, MinimumSteps = 0 })
            .Fit(prepared.Transform(trainRows));
        // The evaluation rows, normalized once and cached, so that both paths pay the same small cost for their input.
        var evaluation = ml.Data.Cache(prepared.Transform(ml.Data.LoadFromEnumerable(Take(rows), schema)));
        ReadColumn(evaluation);
        var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(prepared.Append(plastic), inputSchemaDefinition: schema);
        var one = Take(1)[0];
        int engineCalls = Math.Max(20, rounds * 20);

        var times = Timing.Interleaved(1, rounds,
            () => ReadScores(plastic.Transform(evaluation)),
            () => ReadScoresRowByRow(plastic, evaluation),
            () => { for (int i = 0; i < engineCalls; i++) engine.Predict(one); });
        var spec = plastic.Model.NetworkSpec;
        string network = string.Join("-", spec.InputShape.Concat(spec.HiddenWidths).Append(spec.Head.OutputLayerWidth)) + $" {spec.Normalization}";
        return new ScoringResult(dataset.Name, rows, network, times[0], times[1], times[2] / engineCalls);
    }

    private static void ReadColumn(IDataView data)
    {
        var column = data.Schema["Features"];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }

    private static void ReadScores(IDataView scored)
    {
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }

    private static void ReadScoresRowByRow(ITransformer model, IDataView data)
    {
        var mapper = model.GetRowToRowMapper(data.Schema);
        var column = mapper.OutputSchema["Score"];
        using var cursor = data.GetRowCursor(mapper.GetDependencies([column]));
        using var row = mapper.GetRow(cursor, [column]);
        var getter = row.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }
}
