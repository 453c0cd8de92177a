using Plasticity.ML.Networks;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Search.Experiment;

/// <summary>Small streams, options and folders for the search's tests: every trial takes milliseconds.</summary>
internal static class SearchFixtures
{
    public const int Features = 8;
    public const int Classes = 3;

    /// <summary>
    /// A drifting stream of <paramref name="windows"/> windows of <paramref name="perWindow"/> samples: features uniform in
    /// [-1, 1], labels the argmax of a random linear map that is drawn anew every two windows (sudden drift).
    /// </summary>
    public static WindowStream Stream(int windows = 6, int perWindow = 48, long seed = 1)
    {
        var random = new Random((int)seed);
        var list = new List<StreamWindow>();
        double[,]? map = null;
        for (int w = 0; w < windows; w++)
        {
            if (w % 2 == 0)
            {
                map = new double[Classes, Features];
                for (int c = 0; c < Classes; c++)
                    for (int f = 0; f < Features; f++) map[c, f] = random.NextDouble() * 2 - 1;
            }
            var features = new float[perWindow * Features];
            var labels = new int[perWindow];
            for (int i = 0; i < perWindow; i++)
            {
                for (int f = 0; f < Features; f++) features[i * Features + f] = (float)(random.NextDouble() * 2 - 1);
                double best = double.NegativeInfinity;
                for (int c = 0; c < Classes; c++)
                {
                    double score = 0;
                    for (int f = 0; f < Features; f++) score += map![c, f] * features[i * Features + f];
                    if (score > best) (best, labels[i]) = (score, c);
                }
            }
            list.Add(new StreamWindow(features, labels));
        }
        return new WindowStream($"synthetic ({windows} windows)", Features, TargetKind.ClassLabels, Classes, list);
    }

    /// <summary>The stream written to <c>stream.windows</c> in <paramref name="folder"/>, referenced with its SHA-256.</summary>
    public static StreamReference Write(string folder, WindowStream? stream = null)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "stream.windows");
        WindowStreamFile.Write(path, stream ?? Stream());
        return StreamReference.File(path);
    }

    /// <summary>A tiny classifier: 8-16-3, Adam, 20 steps of 16 per window, one thread.</summary>
    public static ContinualTrainingOptions Options { get; } = new()
    {
        Network = new NetworkSpec { InputShape = [Features], HiddenWidths = [16], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = Classes } },
        Optimizer = new Plasticity.ML.Optimization.OptimizerOptions { LearningRate = 1e-2 },
        BatchSize = 16,
        StepsPerTask = 20,
        Threads = 1,
        Seed = 5,
    };

    /// <summary>Learning rate (log scale) and normalization.</summary>
    public static SearchSpace Space { get; } = new(
    [
        new RangeParameter("Optimizer.LearningRate", 1e-3, 1e-1, 1e-2, logBase: true),
        new ChoiceParameter("Network.Normalization", [ParameterValue.FromText("None"), ParameterValue.FromText("LayerNorm")]),
    ]);

    /// <summary>A spec of the core learner over <paramref name="data"/>.</summary>
    public static TrialSpec Spec(StreamReference data, string name, long fidelity, ContinualTrainingOptions? options = null, long start = 0, string? resumeFrom = null,
        string? checkpoint = null, int windows = 6, StreamObjective? objective = null) => new()
    {
        Name = name,
        Learner = LearnerTypes.NameOf<ContinualLearnerFactory>(),
        Options = Plasticity.ML.Common.PlasticityJson.Serialize(options ?? Options),
        Seed = 5,
        Data = data,
        Windows = windows,
        StartFidelity = start,
        Fidelity = fidelity,
        ResumeFrom = resumeFrom,
        CheckpointFolder = checkpoint,
        Objective = objective ?? StreamObjective.MeanAccuracy,
    };

    /// <summary>A fresh folder under the temp folder (deleted by <see cref="Delete"/>).</summary>
    public static string TempFolder(string what) => Path.Combine(Path.GetTempPath(), $"plasticity-{what}-{Guid.NewGuid():N}");

    /// <summary>Deletes folders, ignoring missing ones.</summary>
    public static void Delete(params string[] folders)
    {
        foreach (var folder in folders)
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>The lab run as a trial worker with this test project's dependencies (so this assembly's learner types load too).</summary>
    public static TrialWorkerCommand Worker
    {
        get
        {
            string bin = AppContext.BaseDirectory;
            return TrialWorkerCommand.ForAssembly(Path.Combine(bin, "Plasticity.Lab.dll"),
                Path.Combine(bin, "Plasticity.ML.Tests.runtimeconfig.json"), Path.Combine(bin, "Plasticity.ML.Tests.deps.json"));
        }
    }
}
