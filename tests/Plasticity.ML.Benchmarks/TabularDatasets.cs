using System.Globalization;
using System.IO.Compression;
using Plasticity.ML.Data;

namespace Plasticity.ML.Benchmarks;

/// <summary>The task of a tabular data set.</summary>
public enum TabularTask
{
    /// <summary>A real-valued label; scored by R².</summary>
    Regression,

    /// <summary>A Boolean label; scored by accuracy and AUC.</summary>
    Binary,

    /// <summary>A class label; scored by accuracy.</summary>
    Multiclass,
}

/// <summary>One data set in memory: raw features (unnormalized, as the files hold them), labels, its task.</summary>
/// <param name="Name">Short name.</param>
/// <param name="Task">What is predicted.</param>
/// <param name="Features">Rows of raw features.</param>
/// <param name="Labels">Regression values, 0/1 for binary, class indices from 0 for multiclass.</param>
/// <param name="ClassCount">Number of classes (0 for regression).</param>
public sealed record TabularDataset(string Name, TabularTask Task, float[][] Features, float[] Labels, int ClassCount)
{
    /// <summary>Rows.</summary>
    public int Rows => Features.Length;

    /// <summary>Features per row.</summary>
    public int FeatureCount => Features[0].Length;
}

/// <summary>
/// Reads the benchmark's data sets: five small public sets shipped in <c>Data/sklearn</c> (scikit-learn's copies, BSD
/// licence, see the README there) and a medium one, Fashion-MNIST images from the core's embedded test split.
/// </summary>
public static class TabularDatasets
{
    /// <summary>The folder with the scikit-learn files, next to the benchmark's binaries.</summary>
    public static string DataDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "sklearn");

    /// <summary>All data sets, small to medium: iris, wine, breast cancer, diabetes, digits, Fashion-MNIST (8,000 + 2,000).</summary>
    public static IReadOnlyList<TabularDataset> All() => [Iris(), Wine(), BreastCancer(), Diabetes(), Digits(), FashionMnistSubset(10_000)];

    /// <summary>150 irises, 4 measurements, 3 species.</summary>
    public static TabularDataset Iris() => ReadHeadered("iris", "iris.csv", TabularTask.Multiclass);

    /// <summary>178 wines, 13 chemical measurements, 3 cultivars.</summary>
    public static TabularDataset Wine() => ReadHeadered("wine", "wine_data.csv", TabularTask.Multiclass);

    /// <summary>569 breast tumours, 30 cell-nucleus measurements, malignant or benign.</summary>
    public static TabularDataset BreastCancer() => ReadHeadered("breast cancer", "breast_cancer.csv", TabularTask.Binary);

    /// <summary>442 diabetes patients, 10 raw baseline variables, disease progression after a year (25 to 346).</summary>
    public static TabularDataset Diabetes()
    {
        var features = ReadLines("diabetes_data_raw.csv.gz").Select(l => Numbers(l, ' ')).ToArray();
        var targets = ReadLines("diabetes_target.csv.gz").Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        if (features.Length != targets.Length) throw new InvalidDataException($"diabetes: {features.Length} feature rows but {targets.Length} targets.");
        return new TabularDataset("diabetes", TabularTask.Regression, features, targets, 0);
    }

    /// <summary>1,797 handwritten digits, 8x8 pixel counts (0-16), 10 classes.</summary>
    public static TabularDataset Digits()
    {
        var rows = ReadLines("digits.csv.gz").Select(l => Numbers(l, ',')).ToArray();
        return new TabularDataset("digits", TabularTask.Multiclass, rows.Select(r => r[..^1]).ToArray(), rows.Select(r => r[^1]).ToArray(), 10);
    }

    /// <summary>The first <paramref name="count"/> images of a fixed shuffle of the embedded Fashion-MNIST test split: 784 pixels, 10 classes.</summary>
    public static TabularDataset FashionMnistSubset(int count)
    {
        var images = FashionMnist.LoadEmbedded().Subset(count, seed: 7);
        var features = Enumerable.Range(0, images.Count).Select(i => images.Pixels.AsSpan(i * 784, 784).ToArray()).ToArray();
        return new TabularDataset($"Fashion-MNIST {count / 1000}k", TabularTask.Multiclass, features, images.Labels.Select(l => (float)l).ToArray(), 10);
    }

    /// <summary>A scikit-learn CSV: a line "rows,features,class names...", then rows of features and the class index.</summary>
    private static TabularDataset ReadHeadered(string name, string file, TabularTask task)
    {
        var lines = ReadLines(file).ToArray();
        var header = lines[0].Split(',');
        int rows = int.Parse(header[0], CultureInfo.InvariantCulture), columns = int.Parse(header[1], CultureInfo.InvariantCulture);
        var data = lines.Skip(1).Select(l => Numbers(l, ',')).ToArray();
        if (data.Length != rows || data.Any(r => r.Length != columns + 1))
            throw new InvalidDataException($"{file}: expected {rows} rows of {columns} features and a class, got {data.Length} rows.");
        return new TabularDataset(name, task, data.Select(r => r[..^1]).ToArray(), data.Select(r => r[^1]).ToArray(), header.Length - 2);
    }

    private static IEnumerable<string> ReadLines(string file)
    {
        string path = Path.Combine(DataDirectory, file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The benchmark's data file {path} is missing; it ships in tests/Plasticity.ML.Benchmarks/Data/sklearn (see the README there).", path);
        using var stream = File.OpenRead(path);
        using Stream source = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(source);
        string? line;
        while ((line = reader.ReadLine()) is not null)
            if (line.Trim().Length > 0) yield return line.Trim();
    }

    private static float[] Numbers(string line, char separator) =>
        line.Split(separator, StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
}
