using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Reinforcement;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Reinforcement.Agents;
using static Plasticity.ML.Estimators.Tests.Reinforcement.ExportFixtures;

namespace Plasticity.ML.Estimators.Tests.Reinforcement;

/// <summary>
/// An exported Q-network saves and loads with <c>mlContext.Model.Save/Load</c> (in this process and in a fresh one)
/// and scores bit for bit as before; its spec, environment description and action names travel in the file, a
/// plasticity injection's frozen heads too; a damaged file is refused with a clear error.
/// </summary>
[TestClass]
public sealed class QNetworkSaveLoadTests
{
    private string directory = "";

    [TestInitialize]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("plastic-qnetwork-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private (QNetworkTransformer Loaded, string Path) SaveAndLoad(MLContext ml, QNetworkTransformer transformer, DataViewSchema schema)
    {
        string path = System.IO.Path.Combine(directory, "q-network.zip");
        ml.Model.Save(transformer, schema, path);
        var loaded = new MLContext(seed: 42).Model.Load(path, out var loadedSchema);
        Assert.AreEqual(schema.Count, loadedSchema.Count);
        Assert.IsInstanceOfType<QNetworkTransformer>(loaded);
        return ((QNetworkTransformer)loaded, path);
    }

    [TestMethod]
    [DataRow(AgentKind.Dqn)]
    [DataRow(AgentKind.C51)]
    public void LoadInAFreshContextScoresBitForBitAsBefore(AgentKind kind)
    {
        var ml = new MLContext(seed: 0);
        var agent = kind == AgentKind.C51 ? BreakoutC51 : BreakoutDqn;
        var data = ObservationData(ml, Observations(Breakout(), 100, seed: 11));
        using var transformer = agent.ToTransformer(ml);
        var (scores, keys) = Read(transformer.Transform(data));
        var (loaded, _) = SaveAndLoad(ml, transformer, data.Schema);
        using (loaded)
        {
            var (loadedScores, loadedKeys) = Read(loaded.Transform(data));
            CollectionAssert.AreEqual(Bits(scores), Bits(loadedScores));
            CollectionAssert.AreEqual(keys, loadedKeys);

            var model = loaded.Model;
            Assert.AreEqual(kind, model.AgentKind);
            Assert.AreEqual("minatar:breakout", model.EnvironmentName);
            CollectionAssert.AreEqual(new[] { 4, 10, 10 }, model.ObservationShape.ToArray());
            Assert.AreEqual((byte)1, model.ObservationMaximum);
            CollectionAssert.AreEqual(agent.Environment.ActionNames, model.ActionNames.ToArray());
            Assert.AreEqual(agent.Steps, model.StepsTrained);
            Assert.AreEqual("Features", loaded.FeatureColumnName);
            // The spec, convolution geometry and head included, comes back as it was.
            Assert.AreEqual(PlasticityJson.Serialize(agent.NetworkSpec), PlasticityJson.Serialize(model.NetworkSpec));
            CollectionAssert.AreEqual(new[] { 3 }, model.NetworkSpec.ConvKernels!.ToArray());

            var schema = loaded.GetOutputSchema(data.Schema);
            VBuffer<ReadOnlyMemory<char>> names = default;
            schema["PredictedLabel"].GetKeyValues(ref names);
            CollectionAssert.AreEqual(agent.Environment.ActionNames, names.DenseValues().Select(n => n.ToString()).ToArray());
        }
    }

    [TestMethod]
    public void LoadInAFreshProcessScoresBitForBitAndKeepsTheActionNames()
    {
        var ml = new MLContext(seed: 0);
        var agent = PixelsDoubleDqn;
        var observations = Observations(Pixels(), 40, seed: 12);
        var data = ObservationData(ml, observations);
        using var transformer = agent.ToTransformer(ml);
        string path = System.IO.Path.Combine(directory, "pixels.zip");
        ml.Model.Save(transformer, data.Schema, path);
        var (scores, keys) = Read(transformer.Transform(data));
        string[] expected = Enumerable.Range(0, observations.Count).Select(r =>
            string.Join(' ', scores.Skip(r * 3).Take(3).Select(v => BitConverter.SingleToInt32Bits(v).ToString("X8"))) + " | " + agent.Environment.ActionNames[keys[r] - 1]).ToArray();

        string features = System.IO.Path.Combine(directory, "features.txt");
        File.WriteAllLines(features, observations.Select(o => string.Join(' ', o.Select(b => ((float)b).ToString("R", CultureInfo.InvariantCulture)))));
        string[] actual = RunModelRunner(path, features, featureCount: 50, "--predicted-label");
        CollectionAssert.AreEqual(expected, actual);
        Assert.IsGreaterThan(1, keys.Distinct().Count(), "the rows should not all choose one action (else the labels show little)");
    }

    [TestMethod]
    public void APlasticityInjectionTravelsWithTheNetwork()
    {
        // The injected network computes frozen heads on top of its trainable weights: the file must carry them.
        var ml = new MLContext(seed: 0);
        var environment = Breakout();
        using var agent = Train(environment, WithInjection(Quick(AgentKind.Dqn, seed: 5)));
        Assert.IsNotNull(agent.Online.Injection, "the injection should have acted at a target copy");
        Assert.AreEqual(1, agent.Online.Injection.Count);
        var observations = Observations(environment, 30, seed: 13);
        var data = ObservationData(ml, observations);
        using var transformer = agent.ToTransformer(ml);
        var (loaded, _) = SaveAndLoad(ml, transformer, data.Schema);
        using (loaded)
        {
            using (var network = loaded.Model.CopyNetwork()) Assert.AreEqual(1, network.Injection?.Count);
            foreach (var observation in observations)
                CollectionAssert.AreEqual(Bits(agent.QValues(observation)), Bits(loaded.Model.QValues(observation)));
        }
    }

    [TestMethod]
    public void ASupervisedModelWithAnInjectionRefusesToSaveRatherThanLoseIt()
    {
        // The supervised model file has no place for frozen heads: saving must fail loudly, not change the predictions.
        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 1));
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 2;
        options.Interventions = [new PlasticityInjectionSpec { HeadLayers = 1, Timing = Plasticity.ML.Interventions.InterventionTiming.Every(5) }];
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(data);
        using var network = model.Model.CopyNetwork();
        Assert.IsNotNull(network.Injection);
        var e = Assert.Throws<Exception>(() => ml.Model.Save(model, data.Schema, System.IO.Path.Combine(directory, "injected.zip")));
        Assert.Contains("plasticity injection", Flatten(e), Flatten(e));
    }

    [TestMethod]
    public void CorruptedWeightsGiveAClearError()
    {
        var ml = new MLContext(seed: 0);
        var data = ObservationData(ml, Observations(Breakout(), 2, seed: 1));
        using var transformer = BreakoutDqn.ToTransformer(ml);
        string path = System.IO.Path.Combine(directory, "q.zip");
        ml.Model.Save(transformer, data.Schema, path);
        RewriteModelEntry(path, bytes =>
        {
            bytes[FindWeightBlock(bytes)] ^= 0x5A;
            return bytes;
        });
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(Flatten(e), "The Q-network model is corrupted or truncated and cannot be loaded: The network weights do not match their checksum.");
    }

    [TestMethod]
    public void ATruncatedModelEntryIsRefused()
    {
        var ml = new MLContext(seed: 0);
        var data = ObservationData(ml, Observations(Breakout(), 2, seed: 1));
        using var transformer = BreakoutDqn.ToTransformer(ml);
        string path = System.IO.Path.Combine(directory, "q.zip");
        ml.Model.Save(transformer, data.Schema, path);
        // The zip stays valid; the model's own stream ends half-way through the weights. ML.NET's model header records
        // the stream's extent, so ML.NET's own check refuses it before our reader runs.
        RewriteModelEntry(path, bytes => bytes[..FindWeightBlock(bytes)]);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        Assert.IsInstanceOfType<FormatException>(e, Flatten(e));
        StringAssert.Contains(Flatten(e), "One of the identified items was in an invalid format.");
    }

    /// <summary>Runs the model runner in a fresh process and returns its output lines.</summary>
    private static string[] RunModelRunner(string model, string features, int featureCount, params string[] extra)
    {
        string baseDirectory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "exec",
            "--runtimeconfig", System.IO.Path.Combine(baseDirectory, "Plasticity.ML.Estimators.Tests.runtimeconfig.json"),
            "--depsfile", System.IO.Path.Combine(baseDirectory, "Plasticity.ML.Estimators.Tests.deps.json"),
            System.IO.Path.Combine(baseDirectory, "Plasticity.ML.Estimators.ModelRunner.dll"),
            model, features, featureCount.ToString(CultureInfo.InvariantCulture),
        }.Concat(extra)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.IsTrue(process.WaitForExit(120_000), "The model runner did not finish in 2 minutes.");
        Assert.AreEqual(0, process.ExitCode, $"The model runner failed: {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Replaces the Q-network's model entry in a saved zip by <paramref name="change"/> of its bytes.</summary>
    private static void RewriteModelEntry(string path, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("Model.key", StringComparison.Ordinal) && ReadEntry(e).AsSpan().IndexOf("PLQNTRNS"u8) >= 0);
        byte[] bytes = change(ReadEntry(entry));
        string name = entry.FullName;
        entry.Delete();
        using var replaced = zip.CreateEntry(name).Open();
        replaced.Write(bytes);
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The middle of the (first) weight block: an int32 length L, L bytes, then their SHA-256.</summary>
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

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
