using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Data;
using Plasticity.ML.Estimators.Internal;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Estimators.Training;

/// <summary>What <see cref="PlasticTrainingEngine.Train"/> produced.</summary>
/// <param name="Network">The trained network, on the CPU, in eval mode.</param>
/// <param name="WindowsTrained">Windows the network has seen in all fits.</param>
/// <param name="OptimizerState">The optimizer's final state when the options ask to retain it, else null.</param>
/// <param name="LabelScaling">The regression label's scaling (identity for classification).</param>
internal sealed record TrainingOutcome(PlasticNetwork Network, int WindowsTrained, OptimizerState? OptimizerState, LabelScaling LabelScaling);

/// <summary>
/// The training loop behind the three trainers: window by window, epochs of shuffled mini-batches through the core's
/// step protocol (<see cref="TrainingSession"/>, so every intervention works here as in the continual trainer), with
/// a held-out part of each window for early stopping and best-weights restore. Logs through the ML.NET host's
/// channel, reports progress through its progress channel, and stops with <see cref="OperationCanceledException"/>
/// after cancellation of the Fit's token or of the ML.NET environment.
/// </summary>
internal static class PlasticTrainingEngine
{
    /// <summary>Windows smaller than this train without a held-out part (a few rows cannot rank epochs).</summary>
    internal const int MinimumRowsForValidation = 20;

    /// <summary>The shortest span of a weight average, in optimizer steps (a tiny window has a few steps per epoch).</summary>
    internal const int MinimumAveragingSteps = 10;

    /// <summary>Rows per forward pass when measuring the held-out loss.</summary>
    private const int EvaluationChunk = 4096;

    /// <summary>Trains a network (fresh, or a copy of <paramref name="previous"/>'s) on <paramref name="data"/>.</summary>
    public static TrainingOutcome Train(IHost host, PlasticTrainerOptionsBase options, PlasticPredictionKind kind, TrainingData data,
        PlasticNeuralNetworkModelParameters? previous, long seed, Action checkAlive)
    {
        var device = torch.device(options.Device);
        HeadSpec head = kind switch
        {
            PlasticPredictionKind.Regression => ((PlasticRegressionTrainer.Options)options).Head,
            _ => new HeadSpec { Kind = HeadKind.Classification, Outputs = data.ClassCount },
        };
        PlasticNetwork network;
        int windowOffset;
        LabelScaling scaling;
        if (previous is null)
        {
            network = NetworkFactory.Create(options.CreateNetworkSpec(data.FeatureCount, head), SeedSequence.Derive(seed, "network"), device);
            windowOffset = 0;
            // From the first window only, so that one Fit over several windows and a chain of warm-started Fits (one per
            // window) see the same targets.
            scaling = kind == PlasticPredictionKind.Regression ? LabelScaling.Of(data.Values.AsSpan(0, data.Window(0).Count)) : LabelScaling.Identity;
        }
        else
        {
            // Warm start: an independent copy, so the previous model stays usable (and thread-safe) while this one trains;
            // the previous scaling, so the network's outputs keep their meaning.
            network = previous.CopyNetwork();
            if (device.type != DeviceType.CPU) network.to(device);
            windowOffset = previous.WindowsTrained;
            scaling = previous.LabelScaling;
        }

        var targetKind = kind == PlasticPredictionKind.Regression ? TargetKind.Regression : TargetKind.ClassLabels;
        int targetCount = kind == PlasticPredictionKind.Regression ? network.Spec.Head.Outputs : data.ClassCount;
        var objective = new TrainingObjective(network.Spec.Head, targetKind, targetCount, LossKind.Auto);
        using var optimizer = OptimizerFactory.Create(options.Optimizer, network.parameters());
        var session = new TrainingSession(network, optimizer, options.Interventions.Select(i => i.CreateHook()), seed);
        bool resumed = ResumeOptimizerState(options, previous, optimizer);

        int windows = data.WindowStarts.Length;
        var plans = Enumerable.Range(0, windows).Select(w => WindowPlan.Create(options, data.Window(w).Count, seed, windowOffset + w)).ToArray();
        long stepLimit = plans.Sum(p => p.MaxSteps);

        using var channel = host.Start("Training");
        using var progressChannel = host.StartProgressChannel("Training plastic neural network");
        long step = 0;
        double lastLoss = double.NaN;
        progressChannel.SetHeader(new ProgressHeader(["loss"], ["steps"]), entry =>
        {
            entry.SetProgress(0, step, stepLimit);
            entry.SetMetric(0, lastLoss);
        });
        MLNetInterop.Info(channel, $"Training a plastic neural network ({string.Join("-", network.Spec.InputShape.Concat(network.Spec.HiddenWidths).Append(network.Spec.Head.OutputLayerWidth))}, " +
            $"{network.Spec.Normalization}) on {data.RowCount} rows in {windows} window(s)" +
            $"{(previous is null ? "" : $", warm-started after {windowOffset} window(s){(resumed ? $" resuming the optimizer's state after {optimizer.StepCount} step(s)" : " with a fresh optimizer")}")}.");

        network.train();
        session.Start();
        for (int w = 0; w < windows; w++)
        {
            checkAlive();
            var (start, count) = data.Window(w);
            var plan = plans[w];
            using var window = WindowTensors.Create(data, start, count, plan, scaling, objective, device);
            session.BeginTask(windowOffset + w, new TaskObservations(window.TrainInputs, objective, window.TrainTargets,
                targetKind == TargetKind.ClassLabels ? window.TrainTargets : null));
            // The held-out rows rank (and the window keeps) the average of the recent weights rather than the last ones.
            using var average = plan.HasValidation && plan.AveragingSteps > 0
                ? new WeightAverage(network, WeightAverage.DecayForSteps(plan.AveragingSteps, MinimumAveragingSteps))
                : null;
            var ranked = average?.Network ?? network;
            var best = plan.HasValidation ? new BestEpoch(ranked, optimizer) : null;
            double learningRate = options.Optimizer.LearningRate;
            optimizer.LearningRate = learningRate;
            int lastDecay = -1;

            int batch = plan.BatchSize;
            var indices = new long[batch];
            double windowLoss = 0;
            int windowSteps = 0, epochs = 0;
            for (int epoch = 0; epoch < plan.Epochs; epoch++)
            {
                var order = SeedSequence.CreateRandom(seed, "batches", ((long)(windowOffset + w) << 20) + epoch).Permutation(plan.TrainRows);
                for (int first = 0; first + batch <= plan.TrainRows; first += batch)
                {
                    checkAlive();
                    using var scope = NewDisposeScope();
                    for (int i = 0; i < batch; i++) indices[i] = order[first + i];
                    using var index = tensor(indices, device: device);
                    var x = window.TrainInputs.index_select(0, index);
                    var y = window.TrainTargets.index_select(0, index);
                    var weights = window.TrainWeights?.index_select(0, index);
                    lastLoss = session.Step(x, weights is null
                        ? () => objective.ComputeLoss(network.forward(x), y)
                        : () => objective.ComputeLoss(network.forward(x), y, weights)).Loss;
                    average?.Update();
                    windowLoss += lastLoss;
                    windowSteps++;
                    step++;
                }
                epochs++;
                if (best is not null)
                {
                    average?.SyncBuffers();
                    best.Offer(epoch, window.Validate(ranked, objective));
                    if (epoch - best.Epoch >= plan.Patience && windowSteps >= plan.MinimumSteps) break;
                    // A plateau of half the patience since the best epoch (or since the last decay) lowers the step size.
                    if (options.PlateauLearningRateFactor < 1 && epoch - Math.Max(best.Epoch, lastDecay) >= Math.Max(1, plan.Patience / 2))
                    {
                        optimizer.LearningRate *= options.PlateauLearningRateFactor;
                        lastDecay = epoch;
                    }
                }
            }
            best?.Restore();
            if (average is not null) network.CopyStateFrom(average.Network);
            optimizer.LearningRate = learningRate;
            session.EndTask();
            session.UseObservations(null);
            MLNetInterop.Info(channel, $"Window {windowOffset + w}: {count} rows, {windowSteps} steps, mean training loss {windowLoss / Math.Max(1, windowSteps):G4}" +
                (best is null ? $", {epochs} epoch(s)." : $", {epochs} epoch(s) of {plan.TrainRows} rows; kept epoch {best.Epoch + 1}{(average is null ? "" : $"'s weight average (decay {average.Decay.ToString("G4", CultureInfo.InvariantCulture)})")} (held-out loss {best.Loss.ToString("G4", CultureInfo.InvariantCulture)} on {count - plan.TrainRows} rows)."));
            // A checkpoint is delivered to progress listeners for sure (pulled progress may be skipped): metric, steps, limit.
            progressChannel.Checkpoint(windowLoss / Math.Max(1, windowSteps), step, stepLimit);
            best?.Dispose();
        }

        var finalState = options.RetainOptimizerState == OptimizerStateRetention.None ? null : optimizer.ExportState();
        network.eval();
        if (device.type != DeviceType.CPU) network.to(CPU);
        return new TrainingOutcome(network, windowOffset + windows, finalState, scaling);
    }

    /// <summary>
    /// Restores the previous model's optimizer state into <paramref name="optimizer"/> when the options ask to retain
    /// state and the model has some. Before the first window's hooks run, so a boundary intervention that resets
    /// optimizer state still acts on the restored state.
    /// </summary>
    /// <returns>Whether state was restored.</returns>
    private static bool ResumeOptimizerState(PlasticTrainerOptionsBase options, PlasticNeuralNetworkModelParameters? previous, IPlasticOptimizer optimizer)
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
                "modelParameters", e);
        }
        return true;
    }

    /// <summary>How one window trains: which rows are held out, the batch size, and the epoch and step budgets.</summary>
    private sealed record WindowPlan(int[] TrainRowsIndex, int[] ValidationRowsIndex, int BatchSize, int Epochs, int Patience, int MinimumSteps, double AveragingSteps)
    {
        public int TrainRows => TrainRowsIndex.Length;

        public bool HasValidation => ValidationRowsIndex.Length > 0;

        public long MaxSteps => (long)Epochs * (TrainRows / BatchSize);

        public static WindowPlan Create(PlasticTrainerOptionsBase options, int count, long seed, int windowIndex)
        {
            int validation = options.ValidationFraction > 0 && count >= MinimumRowsForValidation
                ? Math.Clamp((int)Math.Round(count * options.ValidationFraction), 1, count - 1)
                : 0;
            int[] train, held;
            if (validation == 0)
            {
                train = Enumerable.Range(0, count).ToArray();
                held = [];
            }
            else
            {
                var permutation = SeedSequence.CreateRandom(seed, "validation", windowIndex).Permutation(count);
                held = permutation[..validation];
                train = permutation[validation..];
                // Ascending rows keep the copies below sequential in memory.
                Array.Sort(held);
                Array.Sort(train);
            }
            int batch = Math.Min(options.BatchSize, train.Length);
            int stepsPerEpoch = train.Length / batch;
            int floorEpochs = (int)Math.Min(int.MaxValue, (options.MinimumSteps + stepsPerEpoch - 1) / stepsPerEpoch);
            // An intervention changes the live weights on purpose (a reset, recycled units, an injection); an average would blur it.
            double averagingSteps = options.Interventions.Count == 0 ? options.WeightAveragingEpochs * stepsPerEpoch : 0;
            return new WindowPlan(train, held, batch, Math.Max(options.Epochs, floorEpochs), options.EarlyStoppingPatience, options.MinimumSteps, averagingSteps);
        }
    }

    /// <summary>One window's tensors: training inputs, prepared targets and weights, and the held-out part.</summary>
    private sealed class WindowTensors : IDisposable
    {
        private readonly List<Tensor> owned = [];

        public required Tensor TrainInputs { get; init; }

        public required Tensor TrainTargets { get; init; }

        public Tensor? TrainWeights { get; init; }

        public Tensor? ValidationInputs { get; init; }

        public Tensor? ValidationTargets { get; init; }

        public Tensor? ValidationWeights { get; init; }

        public static WindowTensors Create(TrainingData data, int start, int count, WindowPlan plan, LabelScaling scaling, TrainingObjective objective, Device device)
        {
            var owned = new List<Tensor>();
            Tensor Own(Tensor t)
            {
                owned.Add(t);
                return t;
            }

            var inputs = Own(data.Features.narrow(0, start, count));
            if (device.type != DeviceType.CPU) inputs = Own(inputs.to(device));
            Tensor labels = data.Values is { } values
                ? Own(tensor(values.AsSpan(start, count).ToArray().Select(scaling.ToTarget).ToArray(), [count, 1], device: device))
                : Own(tensor(data.Classes.AsSpan(start, count).ToArray(), [count], device: device));
            var targets = Own(objective.PrepareTargets(labels));
            var weights = data.Weights is { } w ? Own(tensor(w.AsSpan(start, count).ToArray(), [count], device: device)) : null;

            if (!plan.HasValidation)
                return new WindowTensors(owned) { TrainInputs = inputs, TrainTargets = targets, TrainWeights = weights };
            var trainIndex = Own(tensor(plan.TrainRowsIndex.Select(i => (long)i).ToArray(), device: device));
            var heldIndex = Own(tensor(plan.ValidationRowsIndex.Select(i => (long)i).ToArray(), device: device));
            return new WindowTensors(owned)
            {
                TrainInputs = Own(inputs.index_select(0, trainIndex)),
                TrainTargets = Own(targets.index_select(0, trainIndex)),
                TrainWeights = weights is null ? null : Own(weights.index_select(0, trainIndex)),
                ValidationInputs = Own(inputs.index_select(0, heldIndex)),
                ValidationTargets = Own(targets.index_select(0, heldIndex)),
                ValidationWeights = weights is null ? null : Own(weights.index_select(0, heldIndex)),
            };
        }

        private WindowTensors(List<Tensor> owned) => this.owned = owned;

        /// <summary>
        /// The held-out rows' (weighted) error rate for classification (0 for regression) and (weighted) mean loss, in
        /// eval mode and without gradients.
        /// </summary>
        public Validation Validate(PlasticNetwork network, TrainingObjective objective)
        {
            long rows = ValidationInputs!.shape[0];
            double total = 0, errors = 0;
            network.eval();
            try
            {
                using var noGrad = no_grad();
                for (long first = 0; first < rows; first += EvaluationChunk)
                {
                    using var scope = NewDisposeScope();
                    long n = Math.Min(EvaluationChunk, rows - first);
                    var x = ValidationInputs.narrow(0, first, n);
                    var y = ValidationTargets!.narrow(0, first, n);
                    var raw = network.forward(x);
                    var weights = ValidationWeights?.narrow(0, first, n);
                    var loss = weights is null ? objective.ComputeLoss(raw, y) : objective.ComputeLoss(raw, y, weights);
                    total += ValueOf(loss) * n;
                    if (objective.HasAccuracy)
                    {
                        var wrong = objective.Decode(raw).argmax(1).ne(y).to_type(ScalarType.Float32);
                        errors += ValueOf(weights is null ? wrong.sum() : (wrong * weights).sum());
                    }
                }
            }
            finally
            {
                network.train();
            }
            return new Validation(errors / rows, total / rows);
        }

        private static double ValueOf(Tensor loss) => loss.dtype == ScalarType.Float64 ? loss.item<double>() : loss.item<float>();

        public void Dispose()
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>A held-out measurement: error rate (classification; 0 for regression) and mean loss.</summary>
    private readonly record struct Validation(double Error, double Loss)
    {
        /// <summary>
        /// Fewer errors first, then a lower loss. Classification ranks epochs by accuracy because the held-out
        /// cross-entropy starts rising (the network grows overconfident) while the accuracy still improves.
        /// </summary>
        public bool IsBetterThan(Validation other) => Error < other.Error || (Error == other.Error && Loss < other.Loss);
    }

    /// <summary>The best epoch so far on the held-out rows: its weights and, when the optimizer can export it, its state.</summary>
    private sealed class BestEpoch(PlasticNetwork network, IPlasticOptimizer optimizer) : IDisposable
    {
        private PlasticNetwork? weights;
        private OptimizerState? state;
        private bool stateExportable = true;
        private Validation best = new(double.PositiveInfinity, double.PositiveInfinity);

        public int Epoch { get; private set; } = -1;

        public double Loss => best.Loss;

        /// <summary>Keeps the current weights and optimizer state if <paramref name="result"/> beats the best so far.</summary>
        public void Offer(int epoch, Validation result)
        {
            if (!(double.IsFinite(result.Loss) && result.IsBetterThan(best))) return;
            best = result;
            Epoch = epoch;
            if (weights is null) weights = network.DeepCopy();
            else weights.CopyStateFrom(network);
            if (!stateExportable) return;
            try
            {
                state = optimizer.ExportState();
            }
            catch (NotSupportedException)
            {
                stateExportable = false;
                state = null;
            }
        }

        /// <summary>Puts the best epoch's weights and optimizer state back (in place: the optimizer keeps its parameters).</summary>
        public void Restore()
        {
            if (weights is null) return;
            network.CopyStateFrom(weights);
            if (state is not null) optimizer.ImportState(state);
        }

        public void Dispose() => weights?.Dispose();
    }
}
