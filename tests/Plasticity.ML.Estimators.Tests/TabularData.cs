using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>A row of the tabular test sets: three raw (unnormalized) features, the labels of every task, a weight.</summary>
public sealed class TabularRow
{
    /// <summary>Features: x0 decides the label, x1 and x2 are noise; x0 is in the hundreds, as raw tabular columns often are.</summary>
    [VectorType(3)] public float[] Raw { get; set; } = [];

    /// <summary>Regression label: 3 x0 + 200 (x0 in [0, 100]).</summary>
    public float Value { get; set; }

    /// <summary>Binary label: x0 &gt; 50.</summary>
    public bool Positive { get; set; }

    /// <summary>Class: "low" (x0 &lt; 33), "mid", "high" (x0 &gt; 67).</summary>
    public string Class { get; set; } = "";

    /// <summary>x0 as a column of its own (a slot name after <c>Concatenate</c>).</summary>
    public float Signal { get; set; }

    /// <summary>x1 as a column of its own.</summary>
    public float Noise { get; set; }

    /// <summary>x2 as a column of its own.</summary>
    public float Jitter { get; set; }

    /// <summary>Example weight (1 unless a test sets it).</summary>
    public float Weight { get; set; } = 1;
}

/// <summary>Tabular data where one feature carries all the signal, for tests that know which feature matters.</summary>
public static class TabularData
{
    /// <summary><paramref name="count"/> rows from <paramref name="seed"/>: x0 uniform in [0, 100], x1 and x2 uniform noise.</summary>
    public static List<TabularRow> Rows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            float x0 = (float)(random.NextDouble() * 100), x1 = (float)(random.NextDouble() * 10 - 5), x2 = (float)random.NextDouble();
            return new TabularRow
            {
                Raw = [x0, x1, x2],
                Signal = x0,
                Noise = x1,
                Jitter = x2,
                Value = 3 * x0 + 200,
                Positive = x0 > 50,
                Class = x0 < 33 ? "low" : x0 > 67 ? "high" : "mid",
            };
        }).ToList();
    }

    /// <summary>An app's pipeline start: normalize the raw features into "Features" (fitted on the training data).</summary>
    public static IEstimator<ITransformer> Normalize(MLContext ml) => ml.Transforms.NormalizeMinMax("Features", "Raw");

    /// <summary>Small, fast options shared by the tests (the defaults are exercised by the benchmark).</summary>
    public static T Quick<T>(T options) where T : PlasticTrainerOptionsBase
    {
        options.HiddenWidths = [16];
        options.MinimumSteps = 200;
        options.Epochs = 60;
        options.EarlyStoppingPatience = 10;
        options.Optimizer = options.Optimizer with { LearningRate = 1e-2 };
        return options;
    }
}
