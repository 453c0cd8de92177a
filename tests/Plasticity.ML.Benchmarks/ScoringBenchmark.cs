using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Estimators;

namespace Plasticity.ML.Benchmarks;

/// <summary>Scoring speed of a trained model on an evaluation set, three ways, measured interleaved.</summary>
/// <param name="Rows">Rows scored per pass.</param>
/// <param name="Features">Features per row.</param>
/// <param name="Network">The network, e.g. 784-128-128-10.</param>
/// <param name="BatchedSeconds">Median seconds of one pass of <c>Transform</c> (scored in blocks), reading every Score.</param>
/// <param name="RowByRowSeconds">Median seconds of one pass of row-by-row scoring (one forward pass per row, as
/// <c>Transform</c> did before): the model's row mapper over a cursor.</param>
/// <param name="EngineSeconds">Median seconds of one <c>PredictionEngine.Predict</c> on one row.</param>
public sealed record ScoringResult(int Rows, int Features, string Network, double BatchedSeconds, double RowByRowSeconds, double EngineSeconds)
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
/// a <c>PredictionEngine</c>'s latency on one row. Both paths read the same IDataView through ML.NET cursors.
/// </summary>
public static class ScoringBenchmark
{
    private sealed class Image
    {
        [VectorType(784)] public float[] Features { get; set; } = [];
        public uint Label { get; set; }
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>Trains a default multiclass model on 2,000 images and scores <paramref name="rows"/> images.</summary>
    public static ScoringResult Measure(int rows, int rounds)
    {
        var images = FashionMnist.LoadEmbedded();
        var ml = new MLContext(seed: 1);
        List<Image> Rows(int start, int count) => Enumerable.Range(start, count).Select(i => new Image
        {
            Features = images.Pixels.AsSpan(i * 784, 784).ToArray(),
            Label = (uint)images.Labels[i],
        }).ToList();
        var train = ml.Data.LoadFromEnumerable(Rows(0, 2000));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(new PlasticMulticlassClassificationTrainer.Options { Epochs = 2, MinimumSteps = 0 }));
        var model = pipeline.Fit(train);
        var plastic = model.LastTransformer;
        var evaluation = Rows(0, Math.Min(rows, images.Count));
        var keyed = model.Transform(ml.Data.LoadFromEnumerable(evaluation));
        var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(plastic, ml.Data.LoadFromEnumerable(evaluation).Schema);
        var one = evaluation[0];
        int engineCalls = Math.Max(20, rounds * 20);

        var times = Timing.Interleaved(1, rounds,
            () => ReadScores(plastic.Transform(keyed)),
            () => ReadScoresRowByRow(plastic, keyed),
            () => { for (int i = 0; i < engineCalls; i++) engine.Predict(one); });
        var spec = plastic.Model.NetworkSpec;
        string network = string.Join("-", spec.InputShape.Concat(spec.HiddenWidths).Append(spec.Head.OutputLayerWidth));
        return new ScoringResult(evaluation.Count, 784, network, times[0], times[1], times[2] / engineCalls);
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
