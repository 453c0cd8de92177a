using Microsoft.ML;
using Microsoft.ML.Runtime;
using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Training;

/// <summary>
/// The training loop behind the three trainers: window by window, epochs of shuffled mini-batches, with the
/// configured interventions as <see cref="TrainingHook"/>s. Logs through the ML.NET host's channel, reports progress
/// through its progress channel, and stops with <see cref="OperationCanceledException"/> after
/// cancellation of the Fit's token or of the ML.NET environment.
/// </summary>
internal static class PlasticTrainingEngine
{
    /// <summary>Trains a network (fresh, or a copy of <paramref name="previous"/>'s) on <paramref name="data"/>.</summary>
    /// <returns>
    /// The trained network, on the CPU, in eval mode; the total number of windows it has seen; and the optimizer's final
    /// state when <see cref="PlasticTrainerOptionsBase.RetainOptimizerState"/> asks for it (else null).
    /// </returns>
    public static (PlasticNetwork Network, int WindowsTrained, OptimizerState? OptimizerState) Train(IHost host, PlasticTrainerOptionsBase options, PlasticPredictionKind kind,
        TrainingData data, PlasticNeuralNetworkTransformer? previous, Action checkAlive)
    {
        var device = torch.device(options.Device);
        HeadSpec head = kind switch
        {
            PlasticPredictionKind.Regression => ((PlasticRegressionTrainer.Options)options).Head,
            _ => new HeadSpec { Kind = HeadKind.Classification, Outputs = data.ClassCount },
        };
        PlasticNetwork network;
        int windowOffset;
        if (previous is null)
        {
            network = NetworkFactory.Create(options.CreateNetworkSpec(data.FeatureCount, head), SeedSequence.Derive(options.Seed, "network"), device);
            windowOffset = 0;
        }
        else
        {
            // Warm start: an independent copy, so the previous model stays usable (and thread-safe) while this one trains.
            network = previous.CopyNetwork();
            if (device.type != DeviceType.CPU) network.to(device);
            windowOffset = previous.WindowsTrained;
        }

        var targetKind = kind == PlasticPredictionKind.Regression ? TargetKind.Regression : TargetKind.ClassLabels;
        int targetCount = kind == PlasticPredictionKind.Regression ? network.Spec.Head.Outputs : data.ClassCount;
        var objective = new TrainingObjective(network.Spec.Head, targetKind, targetCount, LossKind.Auto);
        var trainingOptions = new ContinualTrainingOptions
        {
            Network = network.Spec,
            Optimizer = options.Optimizer,
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            Interventions = [.. options.Interventions],
        };
        using var optimizer = OptimizerFactory.Create(options.Optimizer, network.parameters());
        var hooks = options.Interventions.Select(i => i.CreateHook()).ToList();
        var context = new TrainingContext(network, optimizer, objective, trainingOptions);
        bool resumed = ResumeOptimizerState(options, previous, optimizer);

        int windows = data.WindowStarts.Length;
        long totalSteps = 0;
        for (int w = 0; w < windows; w++) totalSteps += (long)options.Epochs * StepsPerEpoch(data.Window(w).Count, options.BatchSize);

        using var channel = host.Start("Training");
        using var progressChannel = host.StartProgressChannel("Training plastic neural network");
        long step = 0;
        double lastLoss = double.NaN;
        progressChannel.SetHeader(new ProgressHeader(["loss"], ["steps"]), entry =>
        {
            entry.SetProgress(0, step, totalSteps);
            entry.SetMetric(0, lastLoss);
        });
        channel.Info($"Training a plastic neural network ({string.Join("-", network.Spec.InputShape.Concat(network.Spec.HiddenWidths).Append(network.Spec.Head.OutputLayerWidth))}, " +
            $"{network.Spec.Normalization}) on {data.RowCount} rows in {windows} window(s), {options.Epochs} epoch(s) each" +
            $"{(previous is null ? "" : $", warm-started after {windowOffset} window(s){(resumed ? $" resuming the optimizer's state after {optimizer.StepCount} step(s)" : " with a fresh optimizer")}")}.");

        network.train();
        foreach (var hook in hooks) hook.OnTrainingStart(context);
        for (int w = 0; w < windows; w++)
        {
            checkAlive();
            var (start, count) = data.Window(w);
            using var task = CreateTask(windowOffset + w, data, start, count, targetKind, device);
            using var prepared = objective.PrepareTargets(task.Targets);
            context.Task = task;
            context.TaskIndex = windowOffset + w;
            context.StepInTask = 0;
            foreach (var hook in hooks) hook.OnTaskStart(context);

            int batch = Math.Min(options.BatchSize, count);
            var indices = new long[batch];
            double windowLoss = 0;
            int windowSteps = 0;
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var order = SeedSequence.CreateRandom(options.Seed, "batches", ((long)context.TaskIndex << 20) + epoch).Permutation(count);
                for (int first = 0; first + batch <= count; first += batch)
                {
                    checkAlive();
                    using var scope = NewDisposeScope();
                    for (int i = 0; i < batch; i++) indices[i] = order[first + i];
                    using var index = tensor(indices, device: device);
                    var x = task.Inputs.index_select(0, index);
                    var y = prepared.index_select(0, index);
                    context.BatchInputs = x;
                    context.BatchTargets = y;
                    optimizer.ZeroGrad();
                    var loss = objective.ComputeLoss(network.forward(x), y);
                    lastLoss = loss.item<float>();
                    if (!double.IsFinite(lastLoss))
                        throw new InvalidOperationException($"The training loss became {lastLoss} in window {w}, epoch {epoch}; refusing to train on it. Lower the learning rate or rescale the features.");
                    foreach (var hook in hooks)
                    {
                        var extra = hook.AdditionalLoss(context);
                        if (extra is not null) loss = loss.add(extra, Scalars.One);
                    }
                    loss.backward();
                    foreach (var hook in hooks) hook.AfterBackward(context);
                    optimizer.Step();
                    context.StepInTask++;
                    context.GlobalStep++;
                    foreach (var hook in hooks) hook.AfterStep(context);
                    context.BatchInputs = null;
                    context.BatchTargets = null;
                    windowLoss += lastLoss;
                    windowSteps++;
                    step++;
                }
            }
            foreach (var hook in hooks) hook.OnTaskEnd(context);
            context.Task = null;
            channel.Info($"Window {windowOffset + w}: {count} rows, {windowSteps} steps, mean training loss {windowLoss / Math.Max(1, windowSteps):G4}.");
            // A checkpoint is delivered to progress listeners for sure (pulled progress may be skipped): metric, steps, total.
            progressChannel.Checkpoint(windowLoss / Math.Max(1, windowSteps), step, totalSteps);
        }

        var finalState = options.RetainOptimizerState == OptimizerStateRetention.None ? null : optimizer.ExportState();
        network.eval();
        if (device.type != DeviceType.CPU) network.to(CPU);
        return (network, windowOffset + windows, finalState);
    }

    /// <summary>
    /// Restores the previous model's optimizer state into <paramref name="optimizer"/> when the options ask to retain
    /// state and the model has some. Before the first window's hooks run, so a boundary intervention that resets
    /// optimizer state still acts on the restored state.
    /// </summary>
    /// <returns>Whether state was restored.</returns>
    private static bool ResumeOptimizerState(PlasticTrainerOptionsBase options, PlasticNeuralNetworkTransformer? previous, IPlasticOptimizer optimizer)
    {
        if (options.RetainOptimizerState == OptimizerStateRetention.None || previous?.OptimizerState is not { } state) return false;
        try
        {
            optimizer.ImportState(state);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"The previous model's optimizer state cannot be resumed by this trainer ({e.Message}) Use the same optimizer kind, or set {nameof(options.RetainOptimizerState)} to {nameof(OptimizerStateRetention.None)} to start a fresh optimizer.",
                nameof(previous), e);
        }
        return true;
    }

    private static long StepsPerEpoch(int rows, int batchSize) => Math.Max(1, rows / Math.Min(batchSize, rows));

    private static SupervisedTask CreateTask(int index, TrainingData data, int start, int count, TargetKind kind, Device device)
    {
        var inputs = tensor(data.Features.AsSpan(start * data.FeatureCount, count * data.FeatureCount).ToArray(), [count, data.FeatureCount], device: device);
        Tensor targets = kind == TargetKind.Regression
            ? tensor(data.Values.AsSpan(start, count).ToArray(), [count, 1], device: device)
            : tensor(data.Classes.AsSpan(start, count).ToArray(), [count], device: device);
        return new SupervisedTask(index, inputs, targets, kind, data.ClassCount);
    }
}
