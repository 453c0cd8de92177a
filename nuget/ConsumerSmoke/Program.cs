// Smoke test of the packed Plasticity.ML and Plasticity.ML.Estimators packages: torch loads and computes a known
// product, the embedded data set is readable, a tiny network trains through ContinualTrainer, and an ML.NET pipeline
// with the plastic trainer trains, saves and loads with identical predictions. Exit code 0 only if all hold.
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators;
using Plasticity.ML.Data;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

var failures = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) failures.Add(what);
}

// 1. The assembly really is the packed one (the smoke script passes the version it packed).
string informational = typeof(ContinualTrainer).Assembly
    .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
string packageVersion = informational.Split('+')[0];
if (args.Length > 0)
    Check(packageVersion == args[0], $"Plasticity.ML version {packageVersion} (expected {args[0]})");
else
    Console.WriteLine($"info Plasticity.ML version {packageVersion}");

// 2. Torch loads (on Debian 12 only thanks to the package's libstdc++ fix) and computes a known answer.
using (var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2))
using (var b = tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2))
using (var c = a.matmul(b))
{
    float[] product = c.data<float>().ToArray();
    Check(product.SequenceEqual(new float[] { 19, 22, 43, 50 }),
        $"torch matmul [[1,2],[3,4]]x[[5,6],[7,8]] = [{string.Join(", ", product)}] (expected 19, 22, 43, 50)");
}

// 3. The embedded Fashion-MNIST test split travels inside the package.
var data = FashionMnist.LoadEmbedded();
Check(data.Count == 10_000 && data.ClassCount == 10, $"embedded Fashion-MNIST: {data.Count} images, {data.ClassCount} classes");

// 4. A tiny MLP learns two class-permutation tasks: chance is 10% accuracy and loss ln(10) = 2.30.
var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = 2, Seed = 7 },
    data.Subset(512, seed: 7));
var options = new ContinualTrainingOptions
{
    Network = new NetworkSpec { HiddenWidths = [32], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
    BatchSize = 32,
    StepsPerTask = 150,
    Seed = 7,
};
using (var trainer = new ContinualTrainer(options))
{
    var result = trainer.Run(tasks);
    foreach (var task in result.Tasks)
    {
        Check(task.FinalTrainAccuracy > 0.5 && task.FinalTrainLoss < 1.5,
            $"task {task.TaskIndex}: train accuracy {task.FinalTrainAccuracy:F3} (> 0.5), loss {task.FinalTrainLoss:F3} (< 1.5)");
    }
}

// 5. Plasticity.ML.Estimators: an ML.NET multiclass model beats chance, and survives Model.Save/Load bit for bit.
var ml = new MLContext(seed: 7);
var images = data.Subset(600, seed: 8);
var rows = Enumerable.Range(0, images.Count)
    .Select(i => new ImageRow { Features = images.Pixels.AsSpan(i * 784, 784).ToArray(), Label = FashionMnist.ClassNames[images.Labels[i]] }).ToList();
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.25, seed: 8);
var model = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(hiddenWidths: [32], epochs: 5, learningRate: 3e-3))
    .Fit(split.TrainSet);
double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet)).MicroAccuracy;
// The trainer is an ML.NET trainer estimator: the model parameters are reachable the ML.NET way.
var parameters = model.LastTransformer.Model;
Check(parameters.FeatureCount == 784 && parameters.ClassCount == 10, $"model.LastTransformer.Model: {parameters.FeatureCount} features, {parameters.ClassCount} classes");
Check(accuracy > 0.5, $"ML.NET PlasticNeuralNetwork: test accuracy {accuracy:F3} (> 0.5; chance 0.1)");
// ML.NET's one-versus-all takes the plastic binary trainer (ML.NET's own binary transformer is built through an
// internal constructor, so this also checks the package's access to ML.NET internals outside the repository).
var oneVersusAll = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.PlasticNeuralNetwork(hiddenWidths: [16], epochs: 3)))
    .Fit(split.TrainSet);
double ovaAccuracy = ml.MulticlassClassification.Evaluate(oneVersusAll.Transform(split.TestSet)).MicroAccuracy;
Check(ovaAccuracy > 0.5, $"OneVersusAll(PlasticNeuralNetwork binary): test accuracy {ovaAccuracy:F3} (> 0.5; chance 0.1)");
string modelPath = Path.Combine(Path.GetTempPath(), $"consumer-smoke-{Environment.ProcessId}.zip");
ml.Model.Save(model, split.TrainSet.Schema, modelPath);
var loaded = new MLContext().Model.Load(modelPath, out _);
File.Delete(modelPath);
float[] Scores(ITransformer m) => m.Transform(split.TestSet).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
Check(Scores(model).SequenceEqual(Scores(loaded)), "ML.NET model saved and loaded in a fresh MLContext predicts identically");

Console.WriteLine(failures.Count == 0
    ? "ConsumerSmoke: PASS"
    : $"ConsumerSmoke: FAIL ({failures.Count} check(s) failed)");
return failures.Count == 0 ? 0 : 1;

/// <summary>One image and its class name.</summary>
internal sealed class ImageRow
{
    /// <summary>784 pixels in [0, 1].</summary>
    [VectorType(784)] public float[] Features { get; set; } = [];

    /// <summary>Class name.</summary>
    public string Label { get; set; } = "";
}
