// Smoke test of the packed Plasticity.ML package: torch loads and computes a known product, the embedded
// data set is readable, and a tiny network trains through ContinualTrainer. Exit code 0 only if all hold.
using System.Reflection;
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

Console.WriteLine(failures.Count == 0
    ? "ConsumerSmoke: PASS"
    : $"ConsumerSmoke: FAIL ({failures.Count} check(s) failed)");
return failures.Count == 0 ? 0 : 1;
