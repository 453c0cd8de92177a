using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Search.Trials;

/// <summary>The learner of <see cref="ContinualLearnerFactory"/>: one network, its optimizer and hooks, in one session.</summary>
internal sealed class ContinualWindowLearner : IWindowLearner
{
    private const string StateFile = "state.checkpoint";
    private readonly ContinualTrainingOptions options;
    private readonly WindowStream stream;
    private readonly PlasticNetwork network;
    private readonly IPlasticOptimizer optimizer;
    private readonly TrainingObjective objective;
    private readonly TrainingSession session;
    private readonly RandomStream batches;
    private readonly ThreadCountScope threads;

    public ContinualWindowLearner(ContinualTrainingOptions options, WindowStream stream, Checkpoint? resumeFrom)
    {
        options.Validate();
        this.options = options;
        this.stream = stream;
        network = NetworkFactory.Create(options.Network, SeedSequence.Derive(options.Seed, "network"));
        optimizer = OptimizerFactory.Create(options.Optimizer, network.parameters());
        objective = new TrainingObjective(options.Network.Head, stream.TargetKind, stream.TargetCount, options.Loss, options.HuberDelta);
        session = new TrainingSession(network, optimizer, options.Interventions.Select(i => i.CreateHook()), options.Seed);
        batches = RandomStream.For(options.Seed, "batches");
        // libtorch's thread count is process-wide; the scope sets it for this trial and puts it back (see ContinualTrainer).
        threads = TorchThreads.Use(TorchThreads.Choose(network.ParameterCount, options.BatchSize, options.Threads));
        try
        {
            session.Start();
            if (resumeFrom is null) return;
            session.Load(resumeFrom);
            resumeFrom.Bag("trainer").Restore("batches", batches);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public WindowScore Score(StreamWindow window, int index)
    {
        using var scope = NewDisposeScope();
        var inputs = window.InputsTensor(stream.FeatureCount);
        var targets = window.TargetsTensor(stream.TargetCount);
        var prepared = objective.PrepareTargets(targets);
        int count = options.EvaluationSamples == 0 ? window.Count : Math.Min(window.Count, options.EvaluationSamples);
        var (loss, accuracy) = SampleEvaluation.Evaluate(network, objective, inputs, prepared, objective.HasAccuracy ? targets : null, count);
        return new WindowScore(index, loss, accuracy, count);
    }

    public void Learn(StreamWindow window, int index, CancellationToken cancellationToken)
    {
        using var inputs = window.InputsTensor(stream.FeatureCount);
        using var targets = window.TargetsTensor(stream.TargetCount);
        using var prepared = objective.PrepareTargets(targets);
        session.BeginTask(index, new TaskObservations(inputs, objective, prepared, objective.HasAccuracy ? targets : null));
        int n = window.Count;
        var indices = new long[Math.Min(options.BatchSize, n)];
        network.train();
        for (int step = 0; step < options.StepsPerTask; step++)
        {
            if ((step & 31) == 0) cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            for (int i = 0; i < indices.Length; i++) indices[i] = batches.Next(n);
            using var batch = tensor(indices);
            var x = inputs.index_select(0, batch);
            var y = prepared.index_select(0, batch);
            session.Step(x, () => objective.ComputeLoss(network.forward(x), y));
        }
        session.EndTask();
        session.UseObservations(null);
    }

    public double ProbeLoss(StreamWindow window, CancellationToken cancellationToken)
    {
        if (options.Probe is null)
            throw new NotSupportedException($"The plasticity objective needs {nameof(ContinualTrainingOptions.Probe)} in the training options; it is null.");
        using var inputs = window.InputsTensor(stream.FeatureCount);
        var probe = new PlasticityProbe(options.Probe);
        return probe.Measure(network, options.Optimizer, inputs, SeedSequence.Derive(options.Seed, "probe"), cancellationToken).MeanLoss;
    }

    public string Save(string folder)
    {
        var checkpoint = new Checkpoint(PlasticityJson.Serialize(new { Learner = nameof(ContinualLearnerFactory), Code = CodeVersion.Current }));
        session.Save(checkpoint);
        checkpoint.Add("trainer").Set("batches", batches);
        checkpoint.Save(Path.Combine(folder, StateFile));
        return StateFile;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        network.Dispose();
        threads.Dispose();
    }
}
