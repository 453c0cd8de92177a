using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;
using Plasticity.ML.Training;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// A search over training settings on a drifting stream, shaped like ML.NET AutoML's <c>AutoMLExperiment</c>: set the
/// data (a stream of windows, of which the search sees only the first part), the training options (and how a parameter
/// set changes them), the search space, the tuner, the objective, the budget, the degree of parallelism, the checkpoint
/// folder, the monitor and the trial runner; then <see cref="RunAsync"/> returns the best trial, the history and the
/// result on the held-out windows.
/// </summary>
/// <remarks>
/// <para>Trials are serializable <see cref="TrialSpec"/>s run by an <see cref="ITrialRunner"/>: by default a pool of worker
/// processes (the application started again; it must call <see cref="TrialWorker.RunIfRequested"/> first in
/// <c>Main</c>), or <see cref="InProcessTrialRunner"/> for small trials. Up to the degree of parallelism run at once.</para>
/// <para>Everything is written to the checkpoint folder as it happens: each proposal to <c>history.jsonl</c> before it
/// runs, each result after it ends, the tuner's state after every line, each trial's model to <c>checkpoints/ID</c>. A
/// search killed at any point (Ctrl+C, a crash, SIGKILL) resumes when run again on the same folder with the same
/// settings, with the tuner's state, and loses only the trials that were running (they run again). A larger budget on
/// resume runs more trials.</para>
/// <para>Reproducibility: with a deterministic tuner and the same seed, a search gives the same history (parameters,
/// fidelities, statuses and metrics; not times) however its trials are scheduled, because results reach the tuner in
/// proposal order by default (<see cref="SetParallelism"/>). A failed trial, or one with a NaN or infinite loss or score,
/// is recorded as failed with its error and the search goes on.</para>
/// </remarks>
/// <example>
/// <code>
/// var experiment = new SearchExperiment()
///     .SetData(StreamReference.Embedded(new DriftingStreamSpec { Windows = 12 }), tuningWindows: 8)
///     .SetTrainingOptions(new ContinualTrainingOptions { Network = ..., StepsPerTask = 200 })
///     .SetBudget(new SearchBudget { MaxTrials = 40, MaxSeconds = 1800 })
///     .SetParallelism(2)
///     .SetCheckpointFolder("search-results");
/// SearchResult result = await experiment.RunAsync(cancellationToken);
/// </code>
/// </example>
public sealed class SearchExperiment
{
    private StreamReference? data;
    private int tuningWindows;
    private LearnerSetup? learner;
    private SearchSpace? space;
    private ITuner? tuner;
    private StreamObjective objective = StreamObjective.MeanAccuracy;
    private SearchBudget? budget;
    private int parallelism = 1;
    private bool reproducibleOrder = true;
    private string? folder;
    private ISearchMonitor? monitor;
    private ITrialRunner? runner;
    private long? seed;
    private bool evaluateHeldOut = true;

    /// <summary>The largest fidelity a trial can have: the tuning windows minus one (the last is only scored). Multi-fidelity tuners (ASHA's and PBT's MaxFidelity) must not ask for more.</summary>
    public int MaxFidelity => tuningWindows - 1;

    /// <summary>
    /// The data: a stream of windows, of which the first <paramref name="tuningWindows"/> are the search's and the rest
    /// are held out, never seen by any trial, and used only to report the best and the default settings at the end.
    /// </summary>
    /// <param name="stream">Where the windows are (a reference every worker can open).</param>
    /// <param name="tuningWindows">Windows the search may see (at least 2: one to learn, the next to score).</param>
    public SearchExperiment SetData(StreamReference stream, int tuningWindows)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Validate();
        if (tuningWindows < 2)
            throw new ArgumentException($"{nameof(tuningWindows)} must be at least 2 (a trial learns a window and scores the next); got {tuningWindows}.", nameof(tuningWindows));
        data = stream;
        this.tuningWindows = tuningWindows;
        return this;
    }

    /// <summary>
    /// The core's learner (<see cref="ContinualLearnerFactory"/>) with <paramref name="baseline"/> as the defaults: a
    /// parameter set is written into a copy of it by the search space (<see cref="SearchSpace.Apply{T}(T, ParameterSet)"/>).
    /// Without <see cref="SetSearchSpace"/>, the space is the options' own attributes (learning rate, Adam's beta2 and
    /// epsilon, width, activation, normalization, batch size; the head kind too, unless the head classifies) with the
    /// baseline's values as defaults.
    /// </summary>
    public SearchExperiment SetTrainingOptions(ContinualTrainingOptions baseline) => SetTrainingOptions(baseline, apply: null);

    /// <summary>
    /// The core's learner with <paramref name="baseline"/> as the defaults and <paramref name="apply"/> turning a
    /// parameter set into options (for parameters that are not members of the options, such as which intervention to
    /// add). <paramref name="apply"/> runs in the coordinating process only and must be a pure function of its
    /// arguments (the search calls it again for trials it re-runs after a resume).
    /// </summary>
    public SearchExperiment SetTrainingOptions(ContinualTrainingOptions baseline, Func<ContinualTrainingOptions, ParameterSet, ContinualTrainingOptions>? apply)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        baseline.Validate();
        learner = new LearnerSetup(
            LearnerTypes.NameOf<ContinualLearnerFactory>(),
            Compact(baseline),
            (s, p) => Compact(apply is null ? s.Apply(baseline, p) : apply(baseline, p)),
            () => DefaultSpace(baseline),
            baseline);
        return this;
    }

    /// <summary>
    /// Any learner: <paramref name="learnerType"/> names an <see cref="IWindowLearnerFactory"/>
    /// (<see cref="LearnerTypes.NameOf(Type)"/>) and <paramref name="optionsFor"/> gives its options as JSON for a
    /// parameter set (pure, run in this process only). Needs <see cref="SetSearchSpace"/>. The ML.NET face
    /// (Plasticity.ML.Estimators) uses this.
    /// </summary>
    public SearchExperiment SetLearner(string learnerType, Func<ParameterSet, string> optionsFor)
    {
        ArgumentException.ThrowIfNullOrEmpty(learnerType);
        ArgumentNullException.ThrowIfNull(optionsFor);
        LearnerTypes.Resolve(learnerType);
        learner = new LearnerSetup(learnerType, null, (_, p) => optionsFor(p), DefaultSpace: null, Continual: null);
        return this;
    }

    /// <summary>The parameters to search (see <see cref="SearchSpace"/>); every name must be an option the learner has.</summary>
    public SearchExperiment SetSearchSpace(SearchSpace searchSpace)
    {
        space = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        return this;
    }

    /// <summary>
    /// The tuner, built over the same search space and with the objective's direction (checked). It must be an
    /// <see cref="IResumableTuner"/> for the search to resume. Without one: cost-frugal search (CFO) from the defaults.
    /// </summary>
    public SearchExperiment SetTuner(ITuner searchTuner)
    {
        tuner = searchTuner ?? throw new ArgumentNullException(nameof(searchTuner));
        return this;
    }

    /// <summary>The objective (default: mean prequential accuracy over the windows a trial trained).</summary>
    public SearchExperiment SetObjective(StreamObjective searchObjective)
    {
        ArgumentNullException.ThrowIfNull(searchObjective);
        searchObjective.Validate();
        objective = searchObjective;
        return this;
    }

    /// <summary>The budget (required; see <see cref="SearchBudget"/>).</summary>
    public SearchExperiment SetBudget(SearchBudget searchBudget)
    {
        ArgumentNullException.ThrowIfNull(searchBudget);
        searchBudget.Validate();
        budget = searchBudget;
        return this;
    }

    /// <summary>
    /// Trials run at once (at most the runner's capacity). With <paramref name="reproducibleOrder"/> (the default),
    /// results reach the tuner in proposal order, so the history does not depend on which trial finished first; a
    /// finished trial may then wait for an earlier one before its slot is reused. Turn it off to keep every slot busy
    /// at the price of run-to-run differences.
    /// </summary>
    public SearchExperiment SetParallelism(int degree, bool reproducibleOrder = true)
    {
        if (degree < 1) throw new ArgumentException($"The degree of parallelism must be at least 1; got {degree}.", nameof(degree));
        parallelism = degree;
        this.reproducibleOrder = reproducibleOrder;
        return this;
    }

    /// <summary>The folder for the history, tuner state and trial checkpoints; an existing search there is resumed. Without one, a new temporary folder (no resume).</summary>
    public SearchExperiment SetCheckpointFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        folder = path;
        return this;
    }

    /// <summary>Hears the search's progress.</summary>
    public SearchExperiment SetMonitor(ISearchMonitor searchMonitor)
    {
        monitor = searchMonitor ?? throw new ArgumentNullException(nameof(searchMonitor));
        return this;
    }

    /// <summary>Runs the trials (default: a <see cref="ProcessPoolTrialRunner"/> over the running application).</summary>
    public SearchExperiment SetRunner(ITrialRunner trialRunner)
    {
        runner = trialRunner ?? throw new ArgumentNullException(nameof(trialRunner));
        return this;
    }

    /// <summary>The seed every trial trains with (default: the training options' seed, or 0). Trials share it, so settings are compared on the same initial weights and mini-batches.</summary>
    public SearchExperiment SetSeed(long trialSeed)
    {
        seed = trialSeed;
        return this;
    }

    /// <summary>Whether to report the best and the default settings on the held-out windows at the end (default: yes).</summary>
    public SearchExperiment SetHeldOutEvaluation(bool evaluate)
    {
        evaluateHeldOut = evaluate;
        return this;
    }

    /// <summary>
    /// Runs (or resumes) the search until its budget is spent or the tuner is done, then evaluates the held-out windows.
    /// Checks every setting before anything is written, and throws <see cref="ArgumentException"/> naming what is wrong
    /// (no data, a parameter the options do not have, a tuner over another space or direction, a budget of 0, ...);
    /// throws <see cref="InvalidDataException"/> naming the file and line when the folder's history or state is damaged,
    /// and <see cref="OperationCanceledException"/> when cancelled (the folder then resumes).
    /// </summary>
    public async Task<SearchResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var run = Prepare();
        return await run.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private SearchRun Prepare()
    {
        if (data is null) throw new ArgumentException($"The search has no data: call {nameof(SetData)}.");
        if (learner is null) throw new ArgumentException($"The search has no learner: call {nameof(SetTrainingOptions)} (or {nameof(SetLearner)}).");
        if (budget is null) throw new ArgumentException($"The search has no budget: call {nameof(SetBudget)} with at least one of MaxTrials, MaxSeconds, MaxWindows.");
        int windows = data.CountWindows();
        if (tuningWindows > windows)
            throw new ArgumentException($"The search tunes on {tuningWindows} windows, but the stream has only {windows}.");
        var searchSpace = space ?? learner.DefaultSpace?.Invoke()
            ?? throw new ArgumentException($"The search has no search space: call {nameof(SetSearchSpace)}.");
        var factory = LearnerTypes.Resolve(learner.Type);
        var stream = data.Open(tuningWindows);
        if (objective.Metric == ObjectiveMetric.Accuracy && stream.TargetKind != Tasks.TargetKind.ClassLabels)
            throw new ArgumentException($"The objective is {objective}, but the stream '{stream.Name}' has regression targets, which have no accuracy; use {nameof(ObjectiveMetric)}.{nameof(ObjectiveMetric.Loss)}.");
        if (learner.Continual is { } continual)
        {
            if (objective.NeedsProbe && continual.Probe is null)
                throw new ArgumentException($"The objective is {objective}, which needs the plasticity probe: set {nameof(ContinualTrainingOptions.Probe)} in the training options.");
            var runnerCapacity = Math.Min(parallelism, runner?.Capacity ?? parallelism);
            if (runner is InProcessTrialRunner && runnerCapacity > 1 && continual.Optimizer.Implementation == OptimizerImplementation.TorchSharp)
                throw new ArgumentException("TorchSharp's own optimizers are not safe in trials run side by side in one process; use the process-pool runner, a parallelism of 1, or OptimizerImplementation.Plastic.");
        }
        string defaultOptions;
        try
        {
            defaultOptions = learner.OptionsFor(searchSpace, searchSpace.Default);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The search space does not fit the learner's options: {e.Message}", e);
        }
        try
        {
            factory.Validate(defaultOptions, stream);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The default settings cannot learn the stream: {e.Message}", e);
        }
        long trialSeed = seed ?? learner.Continual?.Seed ?? 0;
        var searchTuner = tuner ?? new CostFrugalTuner(searchSpace, new CostFrugalOptions { Direction = objective.Direction, Seed = trialSeed });
        if (searchTuner is Tuner known)
        {
            if (known.Space.ToString() != searchSpace.ToString())
                throw new ArgumentException($"The tuner searches another space than the experiment:\n{known.Space}\nthe experiment's space:\n{searchSpace}");
            if (known.Direction != objective.Direction)
                throw new ArgumentException($"The tuner's direction is {known.Direction}, but the objective ({objective}) is to {objective.Direction.ToString().ToLowerInvariant()}; build the tuner with Direction = {objective.Direction}.");
        }
        if (searchTuner is AshaTuner asha && asha.RungFidelities[^1] > MaxFidelity)
            throw new ArgumentException($"ASHA's MaxFidelity is {asha.RungFidelities[^1]} windows, but with {tuningWindows} tuning windows a trial can learn at most {MaxFidelity} (the last tuning window is only scored).");
        var trialRunner = runner ?? new ProcessPoolTrialRunner(new ProcessPoolOptions { MaxWorkers = parallelism });
        string searchFolder = folder ?? Path.Combine(Path.GetTempPath(), "plasticity-search-" + Guid.NewGuid().ToString("N"));
        return new SearchRun(new SearchRunSettings
        {
            Data = data,
            TuningWindows = tuningWindows,
            Windows = windows,
            Learner = learner,
            Factory = factory,
            TuningStream = stream,
            Space = searchSpace,
            Tuner = searchTuner,
            Objective = objective,
            Budget = budget,
            Parallelism = Math.Min(parallelism, trialRunner.Capacity),
            ReproducibleOrder = reproducibleOrder,
            Folder = searchFolder,
            Monitor = monitor,
            Runner = trialRunner,
            Seed = trialSeed,
            EvaluateHeldOut = evaluateHeldOut,
            DefaultOptions = defaultOptions,
        });
    }

    /// <summary>Options as one line of JSON (the library's settings, not indented): how trial specs and the history hold them.</summary>
    public static string Compact<T>(T options) => System.Text.Json.JsonSerializer.Serialize(options, CompactJson);

    private static readonly System.Text.Json.JsonSerializerOptions CompactJson = CreateCompactJson();

    private static System.Text.Json.JsonSerializerOptions CreateCompactJson()
    {
        var json = new System.Text.Json.JsonSerializerOptions(PlasticityJson.Options) { WriteIndented = false };
        json.MakeReadOnly(populateMissingResolver: true);
        return json;
    }

    /// <summary>
    /// The space a search over <paramref name="baseline"/> uses without <see cref="SetSearchSpace"/>: the options'
    /// search attributes (the head kind left out for a classification head) with the baseline's values as defaults.
    /// Build a tuner over it.
    /// </summary>
    public static SearchSpace DefaultSpace(ContinualTrainingOptions baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var all = SearchSpace.For<ContinualTrainingOptions>();
        if (baseline.Network.Head.Kind == HeadKind.Classification) all = all.Without("Network.Head.Kind");
        return all.WithDefaultsFrom(baseline);
    }
}

/// <summary>How a search builds its trials' learner options.</summary>
/// <param name="Type">The learner factory's type name.</param>
/// <param name="BaselineJson">The baseline options as JSON, recorded in the history (null for a custom learner).</param>
/// <param name="OptionsFor">The options JSON of a parameter set, given the search space.</param>
/// <param name="DefaultSpace">The space used without <see cref="SearchExperiment.SetSearchSpace"/>, or null.</param>
/// <param name="Continual">The core learner's baseline options, for its checks; null for another learner.</param>
internal sealed record LearnerSetup(string Type, string? BaselineJson, Func<SearchSpace, ParameterSet, string> OptionsFor, Func<SearchSpace>? DefaultSpace, ContinualTrainingOptions? Continual);
