using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>A regression row with two features.</summary>
public sealed class RegressionRow
{
    /// <summary>Features.</summary>
    [VectorType(2)] public float[] Features { get; set; } = [];

    /// <summary>Label.</summary>
    public float Label { get; set; }

    /// <summary>Segment (window) id.</summary>
    public int Segment { get; set; }
}

/// <summary>A binary row.</summary>
public sealed class BinaryRow
{
    /// <summary>Features.</summary>
    [VectorType(2)] public float[] Features { get; set; } = [];

    /// <summary>Label.</summary>
    public bool Label { get; set; }
}

/// <summary>A multiclass row with a text label.</summary>
public sealed class MulticlassRow
{
    /// <summary>Features.</summary>
    [VectorType(2)] public float[] Features { get; set; } = [];

    /// <summary>Label text.</summary>
    public string Label { get; set; } = "";
}

/// <summary>Prediction of a regression model.</summary>
public sealed class RegressionPrediction
{
    /// <summary>Score.</summary>
    public float Score { get; set; }
}

/// <summary>Prediction of a binary model.</summary>
public sealed class BinaryPrediction
{
    /// <summary>Score.</summary>
    public float Score { get; set; }

    /// <summary>Probability.</summary>
    public float Probability { get; set; }

    /// <summary>Predicted label.</summary>
    public bool PredictedLabel { get; set; }
}

/// <summary>Synthetic data sets with known structure, generated from fixed seeds.</summary>
public static class SyntheticData
{
    /// <summary>y = 2 x0 - x1 + 0.5 + offset, x uniform in [-1, 1]^2.</summary>
    public static List<RegressionRow> Regression(int count, int seed, float offset = 0, int segment = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            return new RegressionRow { Features = [a, b], Label = 2 * a - b + 0.5f + offset, Segment = segment };
        }).ToList();
    }

    /// <summary>Label = x0 + x1 > 0.</summary>
    public static List<BinaryRow> Binary(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            return new BinaryRow { Features = [a, b], Label = a + b > 0 };
        }).ToList();
    }

    /// <summary>Three classes by region: "left" (x0 &lt; -1/3), "middle", "right" (x0 &gt; 1/3).</summary>
    public static List<MulticlassRow> Multiclass(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            return new MulticlassRow { Features = [a, b], Label = a < -1f / 3 ? "left" : a > 1f / 3 ? "right" : "middle" };
        }).ToList();
    }

    /// <summary>All Single scores of a scored data view, in row order.</summary>
    public static float[] Scores(IDataView scored)
    {
        var column = scored.Schema["Score"];
        var result = new List<float>();
        using var cursor = scored.GetRowCursor([column]);
        if (column.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            while (cursor.MoveNext()) { getter(ref value); result.AddRange(value.DenseValues()); }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            while (cursor.MoveNext()) { getter(ref value); result.Add(value); }
        }
        return [.. result];
    }
}
