using System.Runtime.InteropServices;
using Plasticity.ML.Common;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Replay;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Agents;

/// <summary>
/// What DQN, Double DQN and C51 share: an online Q-network trained through the step protocol
/// (<see cref="TrainingSession"/>, so every intervention works on agents), a target network copied from it every
/// <see cref="AgentOptions.TargetUpdatePeriod"/> steps (a task boundary), a replay buffer it owns, epsilon-greedy
/// exploration, evaluation episodes on a separate environment, the plasticity probe and the statistics panel on
/// observations sampled from replay, and checkpoints of the whole agent. A subclass says only how its TD target and
/// loss are computed (<see cref="Targets"/>, <see cref="Losses"/>).
/// </summary>
/// <remarks>
/// <para><see cref="Train(IEnvironment, IEnvironment?, RunCheckpointing?, IProgress{AgentProgress}?, CancellationToken)"/> is the whole run, readable top to bottom like CleanRL's <c>dqn.py</c>: act, step, store,
/// learn every <see cref="AgentOptions.TrainFrequency"/> steps, copy the target, evaluate, probe, checkpoint. A run of several
/// stages (<see cref="Train(IReadOnlyList{AgentStage}, RunCheckpointing?, IProgress{AgentProgress}?, CancellationToken)"/>)
/// continues the same agent on the next environment: the continual chain.</para>
/// <para>Determinism: one seed decides the weights, exploration, replay sampling and the reset seed of every episode
/// (<c>SeedSequence.Derive(seed, "train-episode", i)</c>), so a run is repeatable and a checkpoint can bring a fresh
/// environment back to the state of the episode in progress by replaying its actions.</para>
/// </remarks>
/// <example>
/// <code>
/// using var agent = Agent.Create(AgentOptions.MinAtarPaper(AgentKind.DoubleDqn) with { TotalSteps = 100_000 }, game.Spec);
/// AgentRunResult result = agent.Train(game, evaluationEnvironment: null);
/// Console.WriteLine(result.Episodes[^1].Return);
/// </code>
/// </example>
public abstract partial class Agent : IDisposable
{
    private readonly List<TrainingHook> extraHooks = [];
    private readonly float[] byteScale = new float[256];
    private readonly Tensor actionInput;
    private readonly ReplayBatch batch;
    private readonly AgentRunState state;
    private readonly bool switchModeToAct;
    private TrainingSession? session;
    private bool started;
    private bool trained;
    private long runSteps;

    /// <summary>Builds the networks, optimizer and replay of an agent for <paramref name="environment"/>.</summary>
    /// <exception cref="ArgumentException">Bad options, or a network that does not fit the environment (names both).</exception>
    protected Agent(AgentOptions options, EnvironmentSpec environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        Options = options;
        Environment = environment;
        NetworkSpec = ResolveNetwork(options, environment);
        Online = NetworkFactory.Create(NetworkSpec, SeedSequence.Derive(options.Seed, "network"));
        Target = Online.DeepCopy();
        Target.eval();
        foreach (var p in Target.parameters()) p.requires_grad = false;
        Optimizer = OptimizerFactory.Create(options.Optimizer, Online.parameters());
        Replay = new ReplayBuffer(environment, options.Replay, options.NSteps, options.Gamma);
        batch = new ReplayBatch(options.BatchSize, environment.ObservationShape);
        actionInput = empty([1, .. environment.ObservationShape.Select(d => (long)d)], ScalarType.Float32).DetachFromDisposeScope();
        for (int b = 0; b < 256; b++) byteScale[b] = b / (float)environment.ObservationMaximum;
        StatisticsPanel = options.Statistics is null ? null : new StatisticsPanelHook(options.Statistics);
        state = new AgentRunState(options.Seed, environment.ObservationSize);
        // BatchNorm needs eval mode for single observations; other networks act in the mode they train in.
        switchModeToAct = NetworkSpec.Normalization == NormalizationKind.BatchNorm;
    }

    /// <summary>Creates the agent <see cref="AgentOptions.Kind"/> names.</summary>
    public static Agent Create(AgentOptions options, EnvironmentSpec environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            AgentKind.Dqn => new DqnAgent(options, environment),
            AgentKind.DoubleDqn => new DoubleDqnAgent(options, environment),
            AgentKind.C51 => new C51Agent(options, environment),
            _ => throw new ArgumentException($"Unknown agent {nameof(AgentOptions.Kind)} {options.Kind}.", nameof(options)),
        };
    }

    /// <summary>The options.</summary>
    public AgentOptions Options { get; }

    /// <summary>The environment the agent was built for.</summary>
    public EnvironmentSpec Environment { get; }

    /// <summary>The Q-network's spec (<see cref="AgentOptions.Network"/>, or the default chosen for the environment).</summary>
    public NetworkSpec NetworkSpec { get; }

    /// <summary>The online Q-network, trained by the step protocol.</summary>
    public PlasticNetwork Online { get; }

    /// <summary>The target network (a copy of <see cref="Online"/> taken at each target update; never trained).</summary>
    public PlasticNetwork Target { get; }

    /// <summary>The optimizer of <see cref="Online"/>.</summary>
    public IPlasticOptimizer Optimizer { get; }

    /// <summary>The replay buffer (kept through resets and every other intervention).</summary>
    public ReplayBuffer Replay { get; }

    /// <summary>The hook recording <see cref="AgentOptions.Statistics"/> at probe points, or null.</summary>
    public StatisticsPanelHook? StatisticsPanel { get; }

    /// <summary>Environment steps taken so far.</summary>
    public long Steps => state.Step;

    /// <summary>The step protocol the online network trains through (created with the hooks on first use).</summary>
    /// <remarks>Hooks in call order: the interventions, gradient clipping (<see cref="AgentOptions.MaxGradientNorm"/>),
    /// added hooks, the statistics panel.</remarks>
    public TrainingSession Session => session ??= new TrainingSession(Online, Optimizer,
        Options.Interventions.Select(i => i.CreateHook())
            .Concat(Options.MaxGradientNorm > 0 ? [new GradientClippingHook(Options.MaxGradientNorm)] : [])
            .Concat(extraHooks)
            .Concat(StatisticsPanel is null ? [] : [StatisticsPanel]), Options.Seed);

    /// <summary>Adds a hook that runs after the interventions (a recorder); before <see cref="Session"/> is first used.</summary>
    public Agent AddHook(TrainingHook hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (session is not null) throw new InvalidOperationException("Hooks are added before the agent's session starts (before Train, Save or Load).");
        extraHooks.Add(hook);
        return this;
    }

    /// <summary>The TD targets of <paramref name="batch"/>, computed without gradients (DQN: <c>[B]</c> values; C51:
    /// <c>[B, atoms]</c> projected distributions).</summary>
    public abstract Tensor Targets(ReplayBatch batch);

    /// <summary>The per-transition losses <c>[B]</c> of the online network on <paramref name="batch"/> against
    /// <paramref name="targets"/> (differentiable). Prioritized replay uses them as the transitions' errors.</summary>
    public abstract Tensor Losses(ReplayBatch batch, Tensor targets);

    /// <summary>
    /// The mean of <see cref="Losses"/> on <paramref name="batch"/> with its gradient computed by hand and added to the
    /// online network's gradients (see <see cref="TrainingSession.Step(Tensor, Func{Tensor}, Func{double})"/>), or null
    /// when autograd must differentiate it. Uniform replay only: prioritized replay needs the per-transition losses.
    /// </summary>
    private protected virtual Func<double>? LossAndGradient(ReplayBatch batch, Tensor targets) => null;

    /// <summary>
    /// The loss of transition <paramref name="row"/> from the online network's raw output row <paramref name="output"/>, writing
    /// its gradient with respect to that row into <paramref name="gradient"/> (zeros on entry; the caller divides by
    /// the batch size): the one piece a by-hand loss supplies to <see cref="DifferentiateByHand"/>.
    /// </summary>
    private protected delegate double RowLoss(int row, ReadOnlySpan<float> output, ReadOnlySpan<float> targets, Span<float> gradient);

    /// <summary>
    /// The frame of every by-hand loss: the online network's fused forward pass on the batch, <paramref name="rowLoss"/>
    /// on each transition's output row, the gradients (divided by the batch size) added to the parameters by the fused
    /// backward pass, and the mean loss returned. Null when the network or the targets do not allow it.
    /// </summary>
    private protected Func<double>? DifferentiateByHand(ReplayBatch batch, Tensor targets, RowLoss rowLoss)
    {
        if (targets.dtype != ScalarType.Float32 || !Online.RunsFused(batch.Observations)) return null;
        return () =>
        {
            using var pass = Online.StartFusedPass(batch.Observations);
            using var contiguousTargets = targets.contiguous();
            int size = batch.Size, width = (int)pass.Output.shape[1], targetWidth = (int)(contiguousTargets.numel() / size);
            using var outputGradient = zeros([size, width], ScalarType.Float32);
            var output = MemoryMarshal.Cast<byte, float>(pass.Output.bytes);
            var target = MemoryMarshal.Cast<byte, float>(contiguousTargets.bytes);
            var gradient = MemoryMarshal.Cast<byte, float>(outputGradient.bytes);
            double sum = 0;
            for (int i = 0; i < size; i++)
            {
                var rowGradient = gradient.Slice(i * width, width);
                sum += rowLoss(i, output.Slice(i * width, width), target.Slice(i * targetWidth, targetWidth), rowGradient);
                for (int j = 0; j < width; j++) rowGradient[j] /= size;
            }
            pass.AddGradients(outputGradient);
            return sum / size;
        };
    }

    /// <summary>True when an update on <paramref name="batch"/> would differentiate its loss by hand (tests).</summary>
    internal bool OffersLossAndGradient(ReplayBatch batch, Tensor targets) => ByHandLoss(batch, targets) is not null;

    /// <summary>The by-hand loss an update uses: <see cref="LossAndGradient"/>, except with prioritized replay.</summary>
    private Func<double>? ByHandLoss(ReplayBatch batch, Tensor targets) => Options.Replay.Prioritized ? null : LossAndGradient(batch, targets);

    /// <summary>The Q-values <c>[N, actions]</c> of a batch of observations (a categorical head's expectations).</summary>
    public virtual Tensor QValues(Tensor observations) => Online.forward(observations);

    /// <summary>Exploration epsilon before environment step <paramref name="step"/> (counted from 0): <see cref="AgentOptions.EpsilonStart"/>
    /// until <see cref="AgentOptions.LearningStarts"/>, then linear to <see cref="AgentOptions.EpsilonEnd"/> over <see cref="AgentOptions.EpsilonDecaySteps"/>.</summary>
    public double Epsilon(long step)
    {
        long into = step - Options.LearningStarts;
        if (into <= 0) return Options.EpsilonStart;
        if (into >= Options.EpsilonDecaySteps) return Options.EpsilonEnd;
        return Options.EpsilonStart + (Options.EpsilonEnd - Options.EpsilonStart) * into / Options.EpsilonDecaySteps;
    }

    /// <summary>The greedy action's Q-values for one observation (bytes, channels first).</summary>
    public float[] QValues(ReadOnlySpan<byte> observation)
    {
        var values = new float[Environment.ActionCount];
        FillQValues(observation, values);
        return values;
    }

    /// <summary>With probability <paramref name="epsilon"/> a uniformly random action, else the greedy one (first of ties).</summary>
    public int SelectAction(ReadOnlySpan<byte> observation, double epsilon, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (random.NextDouble() < epsilon) return random.Next(Environment.ActionCount);
        Span<float> values = stackalloc float[Environment.ActionCount];
        FillQValues(observation, values);
        int best = 0;
        for (int a = 1; a < values.Length; a++)
            if (values[a] > values[best]) best = a;
        return best;
    }

    private void FillQValues(ReadOnlySpan<byte> observation, Span<float> values)
    {
        if (observation.Length != Environment.ObservationSize)
            throw new ArgumentException($"An observation of {Environment.Name} has {Environment.ObservationSize} bytes; got {observation.Length}.", nameof(observation));
        var input = MemoryMarshal.Cast<byte, float>(actionInput.bytes);
        for (int i = 0; i < observation.Length; i++) input[i] = byteScale[observation[i]];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (switchModeToAct) Online.eval();
        try
        {
            var q = QValues(actionInput).contiguous();
            MemoryMarshal.Cast<byte, float>(q.bytes).CopyTo(values);
        }
        finally
        {
            if (switchModeToAct) Online.train();
        }
    }

    /// <summary>
    /// Trains for <see cref="AgentOptions.TotalSteps"/> environment steps, checkpointing as <paramref name="checkpointing"/>
    /// says and, when a checkpoint of the same run (same options, environment, hooks and code) exists, continuing from it
    /// with the numbers of an uninterrupted run, bit for bit. An agent trains once.
    /// </summary>
    /// <param name="environment">The training environment (its spec must be the one the agent was built for).</param>
    /// <param name="evaluationEnvironment">A separate instance for evaluation episodes; needed when
    /// <see cref="AgentOptions.EvaluationInterval"/> is positive.</param>
    /// <param name="checkpointing">Where and how often to checkpoint; null for none.</param>
    /// <param name="progress">Receives about a hundred reports per run, and one per evaluation and probe point.</param>
    /// <param name="cancellationToken">Cancels between steps (<see cref="OperationCanceledException"/>), after writing a
    /// checkpoint when <paramref name="checkpointing"/> is set.</param>
    /// <exception cref="ArgumentException">An environment that does not fit the agent, or a missing or shared evaluation environment.</exception>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite.</exception>
    public AgentRunResult Train(IEnvironment environment, IEnvironment? evaluationEnvironment = null, RunCheckpointing? checkpointing = null,
        IProgress<AgentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return Train([new AgentStage { Environment = environment, EvaluationEnvironment = evaluationEnvironment, Steps = Options.TotalSteps }],
            checkpointing, progress, cancellationToken);
    }

    /// <summary>
    /// Trains through <paramref name="stages"/> in order on this one agent (a continual chain): networks, optimizer state,
    /// hooks, counters and (unless a stage says otherwise) the replay carry over from one stage to the next. Each stage
    /// boundary, after the stage's last evaluation and probe point, ends the current task of the step protocol and begins
    /// the next one as a new stage; a target update due on the stage's last step is made there. The episode in progress
    /// at a stage's end is cut (recorded as truncated). <see cref="AgentOptions.TotalSteps"/> is not used: the run lasts
    /// the stages' steps together. Resumes from a checkpoint of the same run, as <see cref="Train(IEnvironment, IEnvironment?, RunCheckpointing?, IProgress{AgentProgress}?, CancellationToken)"/>
    /// does, and also checkpoints at every stage boundary.
    /// </summary>
    /// <exception cref="ArgumentException">No stages, a stage of no steps, an environment that does not fit the agent, a
    /// missing or shared evaluation environment, or a stage that empties the replay without warming up for a full
    /// n-step window (names the stage).</exception>
    /// <exception cref="NonFiniteLossException">The loss became NaN or infinite.</exception>
    public AgentRunResult Train(IReadOnlyList<AgentStage> stages, RunCheckpointing? checkpointing = null,
        IProgress<AgentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckStages(stages);
        checkpointing?.Validate();
        if (trained) throw new InvalidOperationException("This agent has already trained; create a new agent for another run (a checkpoint resumes a run).");
        trained = true;
        // A process-wide thread-count scope, as for the continual trainer: agents trained side by side do not undo each
        // other's setting (see TorchThreads.Use).
        using var threads = TorchThreads.Use(TorchThreads.Choose(Online.ParameterCount, Options.BatchSize, Options.Threads));
        state.Clock(running: true);
        try
        {
            return Run(stages, checkpointing, progress, cancellationToken);
        }
        finally
        {
            state.Clock(running: false);
        }
    }

    private void CheckStages(IReadOnlyList<AgentStage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0) throw new ArgumentException("A run needs at least one stage.", nameof(stages));
        for (int k = 0; k < stages.Count; k++)
        {
            var stage = stages[k] ?? throw new ArgumentException($"Stage {k} is null.", nameof(stages));
            string name = $"{nameof(stages)}[{k}]";
            CheckEnvironment(stage.Environment, $"{name}.{nameof(AgentStage.Environment)}");
            if (stage.Steps < 1) throw new ArgumentException($"{name}.{nameof(AgentStage.Steps)} must be at least 1; got {stage.Steps}.", nameof(stages));
            if (stage.WarmupSteps < 0) throw new ArgumentException($"{name}.{nameof(AgentStage.WarmupSteps)} must be non-negative; got {stage.WarmupSteps}.", nameof(stages));
            if (k > 0 && !stage.KeepReplay && stage.WarmupSteps < Options.NSteps)
                throw new ArgumentException(
                    $"{name} empties the replay, so it must warm up for at least {nameof(AgentOptions.NSteps)} = {Options.NSteps} steps before learning; its {nameof(AgentStage.WarmupSteps)} is {stage.WarmupSteps}.", nameof(stages));
            if (Options.EvaluationInterval > 0 || Options.EvaluateAtStart)
            {
                if (stage.EvaluationEnvironment is null)
                    throw new ArgumentException($"Evaluation is on ({nameof(AgentOptions.EvaluationInterval)} {Options.EvaluationInterval}, {nameof(AgentOptions.EvaluateAtStart)} {Options.EvaluateAtStart}): {name} needs its own environment instance for evaluation.", nameof(stages));
                if (ReferenceEquals(stage.EvaluationEnvironment, stage.Environment))
                    throw new ArgumentException($"{name}'s evaluation environment must be a separate instance: evaluating on the training environment would cut its episode.", nameof(stages));
                CheckEnvironment(stage.EvaluationEnvironment, $"{name}.{nameof(AgentStage.EvaluationEnvironment)}");
            }
        }
    }

    private AgentRunResult Run(IReadOnlyList<AgentStage> stages, RunCheckpointing? checkpointing, IProgress<AgentProgress>? progress, CancellationToken cancellationToken)
    {
        var o = Options;
        var probe = o.Probe is null ? null : new PlasticityProbe(o.Probe);
        bool probing = o.Probe is not null || o.Statistics is not null;
        bool evaluating = o.EvaluationInterval > 0;
        string fingerprint = Fingerprint(stages);
        runSteps = stages.Sum(s => s.Steps);
        long reportEvery = Math.Max(1, runSteps / 100);
        var sinceCheckpoint = System.Diagnostics.Stopwatch.StartNew();
        EnsureStarted();

        if (!TryResume(stages, checkpointing, fingerprint, progress))
        {
            Session.BeginTask(0, Replay);
            StartEpisode(stages[0].Environment);
            if (o.EvaluateAtStart) RunEvaluation(stages[0], progress);
        }
        long firstStep = state.Step;

        while (state.Step < runSteps)
        {
            if ((state.Step & 255) == 0 && cancellationToken.IsCancellationRequested)
            {
                // Between steps the state is whole: keep it, so the same command continues from here.
                if (checkpointing is not null) WriteCheckpoint(checkpointing.Path, fingerprint);
                cancellationToken.ThrowIfCancellationRequested();
            }
            var stage = stages[state.Stage];
            var environment = stage.Environment;
            long stageEnd = state.StageStart + stage.Steps;
            bool nextStage = state.Stage < stages.Count - 1;
            bool warmingUp = state.Step - state.StageStart < stage.WarmupSteps;

            // 1. Act: epsilon-greedy on the current observation (uniformly random while the stage warms up); step the
            //    environment; store the transition.
            double epsilon = warmingUp ? 1.0 : Epsilon(state.Step);
            int action = SelectAction(state.Observation, epsilon, state.Exploration);
            var outcome = environment.Step(action, state.Next);
            state.Step++;
            state.EpisodeActions.Add((byte)action);
            state.EpisodeReturn += outcome.Reward;
            state.EpisodeLength++;
            bool truncated = !outcome.Terminated && (outcome.Truncated || (o.MaxEpisodeSteps > 0 && state.EpisodeLength >= o.MaxEpisodeSteps));
            float reward = o.ClipRewards ? Math.Clamp(outcome.Reward, -1f, 1f) : outcome.Reward;
            Replay.AddStep(action, reward, outcome.Terminated, truncated, state.Next);
            state.Advance();
            bool stageEnds = state.Step == stageEnd;
            if (outcome.Terminated || truncated)
            {
                state.Episodes.Add(new EpisodeRecord(state.EpisodeIndex, state.Step, state.EpisodeReturn, state.EpisodeLength, truncated, state.Stage));
                state.EpisodeIndex++;
                // The next stage starts its own episode in its own environment.
                if (!(stageEnds && nextStage)) StartEpisode(environment);
                else state.EpisodeLength = 0;
            }

            // 2. Learn from replay every TrainFrequency steps once more than LearningStarts steps are stored (and the
            //    stage's warm-up is over).
            bool learning = state.Step > o.LearningStarts && state.Step - state.StageStart > stage.WarmupSteps && state.Step >= o.NSteps;
            if (learning && state.Step % o.TrainFrequency == 0)
            {
                var step = Learn();
                state.Updates++;
                state.PeriodUpdates++;
                state.LossSum += step.Loss;
                state.TotalLossSum += step.TotalLoss;
            }

            // 3. Copy the online network into the target network: the end of one task and the start of the next. On the
            //    last step of a stage the copy waits for the stage boundary (after the stage's last measurements).
            bool targetDue = learning && state.Step % o.TargetUpdatePeriod == 0;
            if (targetDue && !(stageEnds && nextStage)) UpdateTarget();

            // 4. Measure: evaluation episodes on their own environment (on the stage's schedule and at its end); the probe
            //    and the panel on replay (on the run's schedule and at each stage's end).
            if (evaluating && ((state.Step - state.StageStart) % o.EvaluationInterval == 0 || stageEnds))
                RunEvaluation(stage, progress);
            if (probing && state.Step >= o.LearningStarts && ((state.Step - o.LearningStarts) % o.ProbeInterval == 0 || stageEnds))
                RecordProbePoint(probe, progress);

            // 5. At the end of a stage: save the agent if asked, then cross into the next stage and checkpoint there.
            if (stageEnds && stage.SaveAgentTo is { } agentFile) SaveAgent(agentFile);
            if (stageEnds && nextStage)
            {
                BeginNextStage(stages, copyTarget: targetDue, progress);
                if (checkpointing is not null)
                {
                    WriteCheckpoint(checkpointing.Path, fingerprint);
                    sinceCheckpoint.Restart();
                }
            }

            // 6. Checkpoint when due; report.
            if (checkpointing is not null && state.Step < runSteps &&
                ((checkpointing.EverySteps > 0 && state.Step % checkpointing.EverySteps == 0) || sinceCheckpoint.Elapsed >= checkpointing.Interval))
            {
                WriteCheckpoint(checkpointing.Path, fingerprint);
                sinceCheckpoint.Restart();
            }
            if (state.Step % reportEvery == 0) Report(progress, "train", epsilon);
        }

        // A kept checkpoint holds the finished run (as the continual trainer's does), taken before the run's closing steps,
        // which repeat identically: the same command run again returns this result without training again.
        if (checkpointing is { KeepWhenFinished: true } && state.Step > firstStep) WriteCheckpoint(checkpointing.Path, fingerprint);
        Session.EndTask();
        // The last target period, unless the run ended on a target update (an empty period).
        if (state.PeriodUpdates > 0 || state.Losses.Count == 0) state.ClosePeriod(Session.Context.TaskIndex);
        if (checkpointing is not null && !checkpointing.KeepWhenFinished) Checkpoint.Delete(checkpointing.Path);
        Report(progress, "done", Epsilon(state.Step));
        return new AgentRunResult
        {
            Options = o,
            Environment = Environment.Name,
            Steps = state.Step,
            Stages = StageRecords(stages),
            Updates = state.Updates,
            TargetUpdates = state.TargetUpdates,
            Episodes = state.Episodes,
            Evaluations = state.Evaluations,
            Losses = state.Losses,
            ProbePoints = state.ProbePoints,
            Seconds = state.Seconds,
        };
    }

    private static StageRecord[] StageRecords(IReadOnlyList<AgentStage> stages)
    {
        var records = new StageRecord[stages.Count];
        long first = 0;
        for (int k = 0; k < stages.Count; k++)
        {
            records[k] = new StageRecord(k, stages[k].Environment.Spec.Name, first, stages[k].Steps);
            first += stages[k].Steps;
        }
        return records;
    }

    /// <summary>
    /// The boundary between two stages: the episode in progress is cut, the current task ends (with the target copy due
    /// on this step), the replay is emptied if the next stage says so, and the next task begins as a new stage with an
    /// episode of the next environment (and an evaluation there when <see cref="AgentOptions.EvaluateAtStart"/>).
    /// </summary>
    private void BeginNextStage(IReadOnlyList<AgentStage> stages, bool copyTarget, IProgress<AgentProgress>? progress)
    {
        if (state.EpisodeLength > 0)
        {
            state.Episodes.Add(new EpisodeRecord(state.EpisodeIndex, state.Step, state.EpisodeReturn, state.EpisodeLength, Truncated: true, state.Stage));
            state.EpisodeIndex++;
        }
        var session = Session;
        session.EndTask();
        if (state.PeriodUpdates > 0 || copyTarget) state.ClosePeriod(session.Context.TaskIndex);
        if (copyTarget)
        {
            Target.CopyStateFrom(Online);
            state.TargetUpdates++;
        }
        state.Stage++;
        state.StageStart = state.Step;
        var stage = stages[state.Stage];
        if (!stage.KeepReplay) Replay.Clear();
        session.BeginTask(session.Context.TaskIndex + 1, observations: null, startsStage: true);
        StartEpisode(stage.Environment);
        Report(progress, "stage", Epsilon(state.Step), $"stage {state.Stage + 1} of {stages.Count}: {stage.Environment.Spec.Name} for {stage.Steps:N0} steps from step {state.Step:N0}");
        if (Options.EvaluateAtStart) RunEvaluation(stage, progress);
    }

    /// <summary>One update outside a run (benchmarks): the agent's replay must hold a complete transition.</summary>
    internal StepOutcome UpdateOnce()
    {
        EnsureStarted();
        return Learn();
    }

    /// <summary>One update: a batch from replay, its TD targets without gradients, then the step protocol on the loss.</summary>
    private StepOutcome Learn()
    {
        Replay.Sample(batch, state.ReplaySampling);
        using var scope = NewDisposeScope();
        Tensor targets;
        using (no_grad()) targets = Targets(batch);
        bool prioritized = Options.Replay.Prioritized;
        Tensor? firstLosses = null;
        // The loss function may run twice in a step (SAM re-evaluates it); it changes no state.
        Func<Tensor> loss = () =>
        {
            var losses = Losses(batch, targets);
            firstLosses ??= losses;
            return prioritized ? (losses * batch.Weights).mean() : losses.mean();
        };
        var byHand = ByHandLoss(batch, targets);
        var outcome = byHand is null ? Session.Step(batch.Observations, loss) : Session.Step(batch.Observations, loss, byHand);
        if (prioritized)
        {
            var errors = firstLosses!.detach().contiguous();
            Replay.UpdatePriorities(batch.Slots, MemoryMarshal.Cast<byte, float>(errors.bytes));
        }
        return outcome;
    }

    private void UpdateTarget()
    {
        var session = Session;
        session.EndTask();
        state.ClosePeriod(session.Context.TaskIndex);
        Target.CopyStateFrom(Online);
        state.TargetUpdates++;
        session.BeginTask(session.Context.TaskIndex + 1, observations: null);
    }

    private void StartEpisode(IEnvironment environment)
    {
        state.EpisodeSeed = SeedSequence.Derive(Options.Seed, "train-episode", state.EpisodeIndex);
        environment.Reset(state.EpisodeSeed, state.Observation);
        state.EpisodeActions.Clear();
        state.EpisodeReturn = 0;
        state.EpisodeLength = 0;
        Replay.AddFirst(state.Observation);
    }

    /// <summary>
    /// Plays <paramref name="episodes"/> episodes on <paramref name="environment"/> with <paramref name="epsilon"/>-greedy
    /// actions; episode j starts from <c>SeedSequence.Derive(seed, "episode", j)</c>. The agent is not changed.
    /// </summary>
    public EvaluationRecord Evaluate(IEnvironment environment, int episodes, double epsilon, long seed, long step = 0)
    {
        CheckEnvironment(environment, nameof(environment));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must lie in [0, 1].");
        var random = RandomStream.For(seed, "actions");
        var observation = new byte[Environment.ObservationSize];
        var returns = new double[episodes];
        var lengths = new int[episodes];
        for (int e = 0; e < episodes; e++)
        {
            environment.Reset(SeedSequence.Derive(seed, "episode", e), observation);
            while (true)
            {
                var outcome = environment.Step(SelectAction(observation, epsilon, random), observation);
                returns[e] += outcome.Reward;
                lengths[e]++;
                if (outcome.Done || (Options.MaxEpisodeSteps > 0 && lengths[e] >= Options.MaxEpisodeSteps)) break;
            }
        }
        return new EvaluationRecord(step, returns.Average(), returns, lengths);
    }

    private void RunEvaluation(AgentStage stage, IProgress<AgentProgress>? progress)
    {
        var o = Options;
        var record = Evaluate(stage.EvaluationEnvironment!, o.EvaluationEpisodes, o.EvaluationEpsilon, SeedSequence.Derive(o.Seed, "evaluation", state.Evaluations.Count), state.Step)
            with { Stage = state.Stage };
        state.Evaluations.Add(record);
        Report(progress, "evaluate", Epsilon(state.Step), $"evaluation at step {state.Step:N0}: mean return {record.MeanReturn:G4} over {record.Returns.Length} episodes");
    }

    /// <remarks>Not cancellable: cancellation is honoured at the end of a step, where the state is whole and is
    /// checkpointed; a probe stopped midway would end the run without a checkpoint. A probe point takes seconds.</remarks>
    private void RecordProbePoint(PlasticityProbe? probe, IProgress<AgentProgress>? progress)
    {
        Report(progress, "probe", Epsilon(state.Step));
        var record = new ProbePointRecord { TaskIndex = Session.Context.TaskIndex, GlobalStep = state.Step };
        if (probe is not null)
        {
            using var scope = NewDisposeScope();
            int inputs = probe.Options.Inputs == 0 ? Replay.Count : Math.Min(probe.Options.Inputs, Replay.Count);
            // The same draw at every point: once the buffer is full, the same slots (holding newer experience).
            var candidates = Replay.Sample(inputs, SeedSequence.CreateRandom(Options.Seed, "probe-inputs"));
            record.Probe = probe.Measure(Online, Options.Optimizer, candidates, SeedSequence.Derive(Options.Seed, "probe"));
        }
        Session.RecordProbePoint(record);
        state.ProbePoints.Add(record);
    }

    private void Report(IProgress<AgentProgress>? progress, string phase, double epsilon, string? message = null)
    {
        if (progress is null) return;
        double loss = state.PeriodUpdates > 0 ? state.LossSum / state.PeriodUpdates : double.NaN;
        progress.Report(new AgentProgress(state.Step, runSteps, phase, state.Episodes.Count, state.RecentReturn(), loss, epsilon, message, state.Stage));
    }

    private void EnsureStarted()
    {
        if (started) return;
        started = true;
        Session.Start();
    }

    // ---- Checks at the door.

    private void CheckEnvironment(IEnvironment environment, string parameter)
    {
        ArgumentNullException.ThrowIfNull(environment, parameter);
        var spec = environment.Spec;
        if (!spec.ObservationShape.SequenceEqual(Environment.ObservationShape))
            throw new ArgumentException(
                $"The agent was built for observations of shape [{string.Join(", ", Environment.ObservationShape)}] ({Environment.Name}), but {spec.Name} gives [{string.Join(", ", spec.ObservationShape)}].", parameter);
        if (spec.ActionCount != Environment.ActionCount)
            throw new ArgumentException($"The agent was built for {Environment.ActionCount} actions ({Environment.Name}), but {spec.Name} has {spec.ActionCount}.", parameter);
        if (spec.ObservationMaximum != Environment.ObservationMaximum)
            throw new ArgumentException($"The agent was built for observations up to {Environment.ObservationMaximum} ({Environment.Name}), but {spec.Name}'s go up to {spec.ObservationMaximum}.", parameter);
    }

    /// <summary>The smallest frame the Nature CNN's convolutions (8x8/4, 4x4/2, 3x3/1) leave at least one output of.</summary>
    public const int NatureCnnMinimumSize = 36;

    /// <summary>
    /// The Q-network an agent of <paramref name="kind"/> builds for <paramref name="environment"/> when
    /// <see cref="AgentOptions.Network"/> is null: <see cref="NetworkPresets.NatureCnn"/> for frames of at least
    /// <see cref="NatureCnnMinimumSize"/> x <see cref="NatureCnnMinimumSize"/> (ALE's 84 x 84 stacks),
    /// <see cref="NetworkPresets.MinAtar"/> for smaller grids of at least 3 x 3, otherwise an MLP of two hidden layers of
    /// 128 units; with <see cref="NetworkPresets.Categorical"/>'s head for C51.
    /// Start from it to change one setting (<c>DefaultNetwork(kind, spec) with { Normalization = NormalizationKind.LayerNorm }</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The environment's observation shape or action count is invalid.</exception>
    public static NetworkSpec DefaultNetwork(AgentKind kind, EnvironmentSpec environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.ObservationShape is null || environment.ObservationShape.Length == 0 || environment.ObservationShape.Any(d => d <= 0))
            throw new ArgumentException($"{environment.Name} has an invalid observation shape [{string.Join(", ", environment.ObservationShape ?? [])}].", nameof(environment));
        if (environment.ActionCount < 1) throw new ArgumentException($"{environment.Name} has {environment.ActionCount} actions.", nameof(environment));
        var head = kind == AgentKind.C51
            ? NetworkPresets.Categorical(environment.ActionCount)
            : new HeadSpec { Kind = HeadKind.Regression, Outputs = environment.ActionCount };
        var shape = environment.ObservationShape;
        if (shape.Length == 3 && shape[1] >= NatureCnnMinimumSize && shape[2] >= NatureCnnMinimumSize)
            return NetworkPresets.NatureCnn(environment.ActionCount) with { InputShape = shape.ToArray(), Head = head };
        return shape.Length == 3 && shape[1] >= 3 && shape[2] >= 3
            ? NetworkPresets.MinAtar(shape[0], environment.ActionCount) with { InputShape = shape.ToArray(), Head = head }
            : new NetworkSpec { InputShape = shape.ToArray(), HiddenWidths = [128, 128], Head = head };
    }

    private static NetworkSpec ResolveNetwork(AgentOptions options, EnvironmentSpec environment)
    {
        var defaultNetwork = DefaultNetwork(options.Kind, environment);
        var shape = environment.ObservationShape;
        var spec = options.Network ?? defaultNetwork;

        bool fits = spec.Architecture == NetworkArchitecture.Cnn ? spec.InputShape.SequenceEqual(shape) : spec.InputSize == environment.ObservationSize;
        if (!fits)
            throw new ArgumentException(
                $"The network takes inputs of shape [{string.Join(", ", spec.InputShape)}] but {environment.Name}'s observations have shape [{string.Join(", ", shape)}].", nameof(options));
        if (spec.Head.Outputs != environment.ActionCount)
            throw new ArgumentException($"The network has {spec.Head.Outputs} outputs (one Q-value per action) but {environment.Name} has {environment.ActionCount} actions.", nameof(options));
        if (options.Kind == AgentKind.C51 && spec.Head.Kind != HeadKind.TwoHot)
            throw new ArgumentException($"C51 needs a categorical head ({nameof(HeadKind)}.{nameof(HeadKind.TwoHot)}, e.g. {nameof(NetworkPresets)}.{nameof(NetworkPresets.Categorical)}); the network's head is {spec.Head.Kind}.", nameof(options));
        if (options.Kind != AgentKind.C51 && spec.Head.Kind != HeadKind.Regression)
            throw new ArgumentException($"{options.Kind} needs a regression head (one Q-value per action); the network's head is {spec.Head.Kind}.", nameof(options));
        return spec;
    }

    /// <summary>Releases the networks, the optimizer and the batch tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the agent's tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        batch.Dispose();
        actionInput.Dispose();
        Optimizer.Dispose();
        Target.Dispose();
        Online.Dispose();
    }
}
