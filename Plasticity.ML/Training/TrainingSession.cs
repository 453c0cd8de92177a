using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Training;

/// <summary>
/// The step protocol: one network, its optimizer and its hooks (interventions and recorders), driven by any learner.
/// The continual trainer, the ML.NET trainers and the reinforcement-learning agents all train through it, so every
/// intervention works in each of them; a loop of your own gets the same by calling it.
/// </summary>
/// <remarks>
/// <para>One <see cref="Step(Tensor, Func{Tensor})"/>: zero gradients, the learner's loss function, the hooks' extra loss terms
/// (<see cref="TrainingHook.AdditionalLoss"/>), a check that the loss is finite (<see cref="NonFiniteLossException"/>
/// otherwise), backward, <see cref="TrainingHook.AfterBackward"/>, the optimizer step, the step counters,
/// <see cref="TrainingHook.AfterStep"/>.</para>
/// <para>Around the steps: <see cref="Start"/> once (<see cref="TrainingHook.OnTrainingStart"/>), then per task
/// <see cref="BeginTask(int, IObservationSource?)"/> and <see cref="EndTask"/> (task boundaries: a supervised task, an
/// ML.NET window, an RL target-network update, an agent's next game, which also starts a stage), and
/// <see cref="RecordProbePoint"/> where the learner measures plasticity.</para>
/// <para>Tensors created during a step (the loss, the hooks' terms) belong to the caller's dispose scope: call
/// <see cref="Step(Tensor, Func{Tensor})"/> inside a <c>torch.NewDisposeScope()</c> per step, as the shipped loops do.</para>
/// </remarks>
/// <example>
/// <code>
/// var session = new TrainingSession(network, optimizer, options.Interventions.Select(i => i.CreateHook()), seed: 1);
/// session.Start();
/// session.BeginTask(0, observations: null);
/// for (int step = 0; step &lt; 100; step++)
/// {
///     using var scope = torch.NewDisposeScope();
///     var (x, y) = NextBatch();
///     session.Step(x, () => torch.nn.functional.mse_loss(network.forward(x), y));
/// }
/// session.EndTask();
/// </code>
/// </example>
public sealed class TrainingSession
{
    private readonly TrainingHook[] hooks;

    /// <summary>Creates a session.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="optimizer">The optimizer over its parameters.</param>
    /// <param name="hooks">Interventions and recorders, called in this order at every hook point.</param>
    /// <param name="seed">The run's seed; hooks derive their random streams from it.</param>
    public TrainingSession(PlasticNetwork network, IPlasticOptimizer optimizer, IEnumerable<TrainingHook> hooks, long seed)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        Context = new TrainingContext(network, optimizer, seed);
        this.hooks = hooks.ToArray();
        if (this.hooks.Any(h => h is null)) throw new ArgumentException("A hook is null.", nameof(hooks));
    }

    /// <summary>What the hooks see.</summary>
    public TrainingContext Context { get; }

    /// <summary>The hooks, in call order.</summary>
    public IReadOnlyList<TrainingHook> Hooks => hooks;

    /// <summary>Calls <see cref="TrainingHook.OnTrainingStart"/> on every hook; once, before the first task.</summary>
    public void Start()
    {
        foreach (var hook in hooks) hook.OnTrainingStart(Context);
    }

    /// <summary>
    /// Sets the observations hooks may sample from (see <see cref="TrainingContext.Observations"/>) without a task
    /// boundary, e.g. before the initial probe point or as a replay buffer fills.
    /// </summary>
    public void UseObservations(IObservationSource? observations) => Context.Observations = observations;

    /// <summary>Starts task <paramref name="taskIndex"/>: resets the in-task step count and calls <see cref="TrainingHook.OnTaskStart"/>.</summary>
    /// <param name="taskIndex">The task's index (0 for the first).</param>
    /// <param name="observations">The task's observations for hooks, or null to keep the current ones.</param>
    public void BeginTask(int taskIndex, IObservationSource? observations) => BeginTask(taskIndex, observations, startsStage: false);

    /// <summary>
    /// Starts task <paramref name="taskIndex"/>, which begins the next stage when <paramref name="startsStage"/> is true
    /// (<see cref="TrainingContext.StageIndex"/> advances, and hooks see <see cref="TrainingContext.StartsStage"/>: a stage
    /// boundary is also a task boundary).
    /// </summary>
    /// <param name="taskIndex">The task's index (0 for the first).</param>
    /// <param name="observations">The task's observations for hooks, or null to keep the current ones.</param>
    /// <param name="startsStage">Whether the task begins a new stage (an agent's next game).</param>
    public void BeginTask(int taskIndex, IObservationSource? observations, bool startsStage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(taskIndex);
        Context.TaskIndex = taskIndex;
        Context.StepInTask = 0;
        if (observations is not null) Context.Observations = observations;
        if (startsStage) Context.StageIndex++;
        Context.StartsStage = startsStage;
        try
        {
            foreach (var hook in hooks) hook.OnTaskStart(Context);
        }
        finally
        {
            Context.StartsStage = false;
        }
    }

    /// <summary>Ends the current task: calls <see cref="TrainingHook.OnTaskEnd"/>.</summary>
    public void EndTask()
    {
        foreach (var hook in hooks) hook.OnTaskEnd(Context);
    }

    /// <summary>Lets every hook add statistics to <paramref name="record"/> at a probe point.</summary>
    public void RecordProbePoint(ProbePointRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        foreach (var hook in hooks) hook.OnProbePoint(Context, record);
    }

    /// <summary>Runs one update of the step protocol (see the class remarks).</summary>
    /// <param name="batchInputs">The mini-batch's inputs as the network takes them (hooks such as continual backprop
    /// measure activity on them).</param>
    /// <param name="loss">Builds the scalar loss of the mini-batch with the network's current weights. It may be called
    /// again within the step (SAM evaluates it at a perturbed point), so it must not change state.</param>
    /// <returns>The loss and the total loss that was differentiated.</returns>
    /// <exception cref="NonFiniteLossException">The loss, or the loss with the hooks' terms, is NaN or infinite; nothing was stepped.</exception>
    public StepOutcome Step(Tensor batchInputs, Func<Tensor> loss) => Run(batchInputs, loss, null);

    /// <summary>
    /// Runs one update of the step protocol whose loss the learner differentiates itself (a hand-written backward pass,
    /// such as a DQN agent's over <c>FusedSparseInputNetwork</c>): <paramref name="lossAndGradient"/> takes the place of
    /// the loss function and <c>backward</c>. Everything else is as in <see cref="Step(Tensor, Func{Tensor})"/>: the
    /// hooks' extra loss terms are differentiated by autograd and added, and <paramref name="loss"/> stays what the hooks
    /// see as the batch's loss (SAM evaluates it again), so it must compute the same loss.
    /// </summary>
    /// <param name="batchInputs">The mini-batch's inputs as the network takes them.</param>
    /// <param name="loss">The same loss as a differentiable tensor, for the hooks.</param>
    /// <param name="lossAndGradient">Computes the loss with the network's current weights, adds its gradient to every
    /// parameter's <c>.grad</c>, and returns the loss.</param>
    /// <returns>The loss and the total loss that was differentiated.</returns>
    /// <exception cref="NonFiniteLossException">The loss, or the loss with the hooks' terms, is NaN or infinite; nothing was stepped.</exception>
    public StepOutcome Step(Tensor batchInputs, Func<Tensor> loss, Func<double> lossAndGradient)
    {
        ArgumentNullException.ThrowIfNull(lossAndGradient);
        return Run(batchInputs, loss, lossAndGradient);
    }

    private StepOutcome Run(Tensor batchInputs, Func<Tensor> loss, Func<double>? lossAndGradient)
    {
        ArgumentNullException.ThrowIfNull(batchInputs);
        ArgumentNullException.ThrowIfNull(loss);
        var context = Context;
        context.BatchInputs = batchInputs;
        context.BatchLoss = loss;
        try
        {
            context.Optimizer.ZeroGrad();
            // By hand, the gradient comes with the loss; it is left unused (and zeroed by the next step) when the loss
            // is not finite, so nothing is stepped either way.
            Tensor? value = lossAndGradient is null ? loss() : null;
            double lossValue = value is null ? lossAndGradient!() : ValueOf(value);
            if (!double.IsFinite(lossValue)) throw NonFinite(lossValue, "training loss");
            context.StepLoss = lossValue;
            // What autograd differentiates: the loss and the hooks' terms, or the terms alone when the loss was
            // differentiated by hand.
            Tensor? total = value;
            foreach (var hook in hooks)
                if (hook.AdditionalLoss(context) is { } extra) total = total is null ? extra : total.add(extra, Scalars.One);
            double totalValue = ReferenceEquals(total, value) ? lossValue
                : value is null ? lossValue + ValueOf(total!) : ValueOf(total!);
            if (!double.IsFinite(totalValue)) throw NonFinite(totalValue, "training loss with the interventions' terms");
            total?.backward();
            // The loss tensors must outlive the native backward pass even when the caller holds them in no scope.
            GC.KeepAlive(value);
            GC.KeepAlive(total);
            foreach (var hook in hooks) hook.AfterBackward(context);
            context.Optimizer.Step();
            context.StepInTask++;
            context.GlobalStep++;
            foreach (var hook in hooks) hook.AfterStep(context);
            return new StepOutcome(lossValue, totalValue);
        }
        finally
        {
            context.BatchInputs = null;
            context.BatchLoss = null;
            context.StepLoss = double.NaN;
        }
    }

    /// <summary>
    /// Adds the session's state to <paramref name="checkpoint"/>: the step counters ("session"), the network's
    /// parameters and buffers ("network"), the optimizer's state ("optimizer") and each hook's state ("hook.i").
    /// </summary>
    /// <exception cref="NotSupportedException">The optimizer cannot export its state.</exception>
    public void Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var counters = checkpoint.Add("session");
        counters.Set("taskIndex", Context.TaskIndex);
        counters.Set("stepInTask", Context.StepInTask);
        counters.Set("globalStep", Context.GlobalStep);
        counters.Set("stageIndex", Context.StageIndex);
        counters.Set("hooks", hooks.Length);
        var network = checkpoint.Add("network");
        foreach (var (name, value) in Context.Network.state_dict()) network.Set(name, value);
        OptimizerStateBag.Write(Context.Optimizer.ExportState(), checkpoint.Add("optimizer"));
        for (int i = 0; i < hooks.Length; i++) hooks[i].SaveState(checkpoint.Add(HookBagName(i)));
    }

    /// <summary>
    /// Restores what <see cref="Save"/> wrote into this session's network, optimizer, hooks and counters. Call it after
    /// <see cref="Start"/>, on a session built the same way (same network spec, optimizer and hook list).
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint does not fit this session (names which part).</exception>
    public void Load(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var counters = checkpoint.Bag("session");
        if (counters.GetInt64("hooks") != hooks.Length)
            throw new InvalidDataException($"The checkpoint holds the state of {counters.GetInt64("hooks")} hooks, but this session has {hooks.Length}.");
        var network = checkpoint.Bag("network");
        var parameters = Context.Network.state_dict();
        if (network.Names.Count() != parameters.Count)
            throw new InvalidDataException($"The checkpoint holds {network.Names.Count()} network tensors, but the network has {parameters.Count}.");
        foreach (var (name, value) in parameters) network.CopyInto(name, value);
        try
        {
            Context.Optimizer.ImportState(OptimizerStateBag.Read(checkpoint.Bag("optimizer")));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The checkpoint's optimizer state does not fit this optimizer: {e.Message}", e);
        }
        for (int i = 0; i < hooks.Length; i++) hooks[i].LoadState(checkpoint.Bag(HookBagName(i)));
        Context.TaskIndex = checked((int)counters.GetInt64("taskIndex"));
        Context.StepInTask = checked((int)counters.GetInt64("stepInTask"));
        Context.GlobalStep = counters.GetInt64("globalStep");
        Context.StageIndex = counters.Contains("stageIndex") ? checked((int)counters.GetInt64("stageIndex")) : 0;
    }

    private static string HookBagName(int index) => $"hook.{index}";

    private NonFiniteLossException NonFinite(double value, string what) =>
        new(value, Context.TaskIndex, Context.StepInTask + 1, Context.GlobalStep + 1, what);

    /// <summary>The value of a scalar loss tensor, read in its own precision (no intermediate Scalar object).</summary>
    internal static double ValueOf(Tensor scalar)
    {
        switch (scalar.dtype)
        {
            case ScalarType.Float64: return scalar.item<double>();
            case ScalarType.Float32: return scalar.item<float>();
            default:
                using (var wide = scalar.to_type(ScalarType.Float64)) return wide.item<double>();
        }
    }
}
