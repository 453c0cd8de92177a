using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;

namespace Plasticity.ML.Estimators.Tests;

[TestClass]
public sealed class SaveLoadTests
{
    private string directory = "";

    [TestInitialize]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("plastic-saveload-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private static (ITransformer Model, IDataView Data, DataViewSchema Schema) TrainMulticlass(MLContext ml)
    {
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(120, seed: 5));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(hiddenWidths: [8], epochs: 2, learningRate: 1e-2));
        return (pipeline.Fit(data), data, data.Schema);
    }

    [TestMethod]
    public void LoadInAFreshContextGivesBitIdenticalScores()
    {
        var (model, data, schema) = TrainMulticlass(new MLContext(seed: 0));
        string path = Path.Combine(directory, "model.zip");
        new MLContext().Model.Save(model, schema, path);
        float[] expected = SyntheticData.Scores(model.Transform(data));

        var fresh = new MLContext(seed: 42);
        var loaded = fresh.Model.Load(path, out var loadedSchema);
        Assert.AreEqual(schema.Count, loadedSchema.Count);
        float[] actual = SyntheticData.Scores(loaded.Transform(data));
        CollectionAssert.AreEqual(expected.Select(BitConverter.SingleToInt32Bits).ToArray(), actual.Select(BitConverter.SingleToInt32Bits).ToArray());
    }

    [TestMethod]
    public void LoadInAFreshProcessGivesBitIdenticalScores()
    {
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 1));
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 2;
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(data);
        string path = Path.Combine(directory, "regression.zip");
        ml.Model.Save(model, data.Schema, path);

        var rows = SyntheticData.Regression(20, seed: 7);
        string features = Path.Combine(directory, "features.txt");
        File.WriteAllLines(features, rows.Select(r => string.Join(' ', r.Features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)))));
        string[] expected = SyntheticData.Scores(model.Transform(ml.Data.LoadFromEnumerable(rows)))
            .Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8")).ToArray();

        string baseDirectory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "exec",
            "--runtimeconfig", Path.Combine(baseDirectory, "Plasticity.ML.Estimators.Tests.runtimeconfig.json"),
            "--depsfile", Path.Combine(baseDirectory, "Plasticity.ML.Estimators.Tests.deps.json"),
            Path.Combine(baseDirectory, "Plasticity.ML.Estimators.ModelRunner.dll"),
            path, features, "2",
        }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.IsTrue(process.WaitForExit(120_000), "The model runner did not finish in 2 minutes.");
        Assert.AreEqual(0, process.ExitCode, $"The model runner failed: {stderr.Result}");
        string[] actual = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        CollectionAssert.AreEqual(expected, actual);
    }

    [TestMethod]
    public void CorruptedWeightsGiveAClearError()
    {
        var ml = new MLContext(seed: 0);
        var (model, _, schema) = TrainMulticlass(ml);
        string path = Path.Combine(directory, "model.zip");
        ml.Model.Save(model, schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("Model.key", StringComparison.Ordinal) && Contains(e, "PLNNTRNS"u8));
            byte[] bytes;
            using (var stream = entry.Open()) { using var copy = new MemoryStream(); stream.CopyTo(copy); bytes = copy.ToArray(); }
            int weights = FindWeightBlock(bytes);
            bytes[weights] ^= 0x5A;
            string name = entry.FullName;
            entry.Delete();
            using var replaced = zip.CreateEntry(name).Open();
            replaced.Write(bytes);
        }
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.Contains("corrupted", Flatten(e), Flatten(e));
        Assert.Contains("checksum", Flatten(e), Flatten(e));
    }

    [TestMethod]
    public void TruncatedFileGivesAClearError()
    {
        var ml = new MLContext(seed: 0);
        var (model, _, schema) = TrainMulticlass(ml);
        string path = Path.Combine(directory, "model.zip");
        ml.Model.Save(model, schema, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.IsNotInstanceOfType<InvalidCastException>(e);
        Assert.IsNotInstanceOfType<NullReferenceException>(e);
        // Cut in half, the zip has lost its central directory (at the end): ML.NET's loader reports the archive itself.
        Assert.Contains("End of Central Directory record could not be found", Flatten(e), Flatten(e));
    }


    [TestMethod]
    public void FailedSaveLeavesNoFileBehind()
    {
        var ml = new MLContext(seed: 0);
        var (model, data, schema) = TrainMulticlass(ml);
        // A custom mapping without a registered factory cannot be saved: the save throws half-way through the zip.
        var unsaveable = model.Append(ml.Transforms.CustomMapping<MulticlassRow, RegressionPrediction>((i, o) => o.Score = i.Features[0], contractName: null).Fit(data));
        string path = Path.Combine(directory, "model.zip");
        Assert.Throws<Exception>(() => ml.Model.SaveAtomically(unsaveable, schema, path));
        Assert.IsFalse(File.Exists(path));
        Assert.IsEmpty(Directory.GetFiles(directory));

        ml.Model.SaveAtomically(model, schema, path);
        Assert.IsTrue(File.Exists(path));
        Assert.HasCount(1, Directory.GetFiles(directory));
    }

    /// <summary>The middle of the weight block: an int32 length L, L bytes, then their SHA-256.</summary>
    private static int FindWeightBlock(byte[] bytes)
    {
        for (int p = 0; p + 4 < bytes.Length; p++)
        {
            int length = BitConverter.ToInt32(bytes, p);
            if (length < 64 || p + 4 + length + 32 > bytes.Length) continue;
            var hash = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(p + 4, length));
            if (hash.AsSpan().SequenceEqual(bytes.AsSpan(p + 4 + length, 32))) return p + 4 + length / 2;
        }
        throw new AssertFailedException("No weight block with a matching checksum was found in the model entry.");
    }

    private static bool Contains(ZipArchiveEntry entry, ReadOnlySpan<byte> marker)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray().AsSpan().IndexOf(marker) >= 0;
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
