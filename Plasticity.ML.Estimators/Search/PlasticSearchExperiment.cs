using Microsoft.ML;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Estimators.Search;

/// <summary>
/// The search over a plastic neural network trainer's settings on an <see cref="IDataView"/> that arrives in windows,
/// shaped like ML.NET AutoML's <c>AutoMLExperiment</c>: set the data and its window column, the trainer's options
/// (whose ML.NET <c>Microsoft.ML.SearchSpace</c> attributes give the default search space), the tuner, the objective, the
/// budget, the parallelism and the checkpoint folder; <see cref="RunAsync"/> returns the best trained
/// <see cref="ITransformer"/> and the search's history. It runs the core's <see cref="SearchExperiment"/>: every trial
/// warm-starts the ML.NET trainer window after window, scoring each window before learning it; the last windows are
/// held out from the search and report the best and the default settings.
/// </summary>
/// <remarks>
/// The data is copied once into a window-stream file in the checkpoint folder (<c>data/stream.windows</c>), which the
/// trials read. By default trials run in worker processes of the running application, which must call
/// <c>TrialWorker.RunIfRequested(args)</c> first in <c>Main</c>; <see cref="SetRunner"/> with an
/// <see cref="InProcessTrialRunner"/> runs them in this process instead.
/// </remarks>
/// <example>
/// <code>
/// var result = await new PlasticSearchExperiment(mlContext)
///     .SetDataset(data, windowColumnName: "Day", tuningWindows: 20)
///     .SetTrainer(new PlasticMulticlassClassificationTrainer.Options { RetainOptimizerState = OptimizerStateRetention.InModelFile })
///     .SetBudget(new SearchBudget { MaxTrials = 50, MaxSeconds = 3600 })
///     .SetParallelism(2)
///     .SetCheckpointFolder("search")
///     .RunAsync();
/// mlContext.Model.Save(result.BestModel, data.Schema, "model.zip");
/// </code>
/// </example>
public sealed class PlasticSearchExperiment
{
    private readonly MLContext mlContext;

    // The core's search, which checks and keeps the settings this face passes through unchanged (tuner, budget,
    // parallelism, monitor, runner, seed); data, learner, space, objective and folder are set on it when the search runs.
    private readonly SearchExperiment search = new();
    private IDataView? data;
    private string windowColumn = "";
    private int tuningWindows;
    private PlasticPredictionKind kind;
    private PlasticTrainerOptionsBase? trainer;
    private SearchSpace? space;
    private StreamObjective? objective;
    private string? folder;
    private bool seedSet;

    /// <summary>Creates an experiment in <paramref name="mlContext"/> (which loads the best model at the end).</summary>
    public PlasticSearchExperiment(MLContext mlContext) => this.mlContext = mlContext ?? throw new ArgumentNullException(nameof(mlContext));

    /// <summary>
    /// The data: rows in time order, cut into windows where <paramref name="windowColumnName"/> (numeric or key, not
    /// decreasing) changes value; the first <paramref name="tuningWindows"/> windows are the search's, the rest are held out.
    /// </summary>
    public PlasticSearchExperiment SetDataset(IDataView trainData, string windowColumnName, int tuningWindows)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentException.ThrowIfNullOrWhiteSpace(windowColumnName);
        if (trainData.Schema.GetColumnOrNull(windowColumnName) is null)
            throw new ArgumentOutOfRangeException(nameof(windowColumnName), $"Could not find window column '{windowColumnName}'.");
        if (tuningWindows < 2)
            throw new ArgumentException($"{nameof(tuningWindows)} must be at least 2 (a trial learns a window and scores the next); got {tuningWindows}.", nameof(tuningWindows));
        data = trainData;
        windowColumn = windowColumnName;
        this.tuningWindows = tuningWindows;
        return this;
    }

    /// <summary>A multiclass trainer's options: the defaults of the search, and the columns of the data (a key label).</summary>
    public PlasticSearchExperiment SetTrainer(PlasticMulticlassClassificationTrainer.Options options) => SetTrainer(PlasticPredictionKind.MulticlassClassification, options);

    /// <summary>A binary trainer's options (a Boolean label).</summary>
    public PlasticSearchExperiment SetTrainer(PlasticBinaryClassificationTrainer.Options options) => SetTrainer(PlasticPredictionKind.BinaryClassification, options);

    /// <summary>A regression trainer's options (a Single label; the objective defaults to the mean squared error).</summary>
    public PlasticSearchExperiment SetTrainer(PlasticRegressionTrainer.Options options) => SetTrainer(PlasticPredictionKind.Regression, options);

    /// <summary>The parameters to search; by default the trainer options' search attributes, with the given options' values as defaults.</summary>
    public PlasticSearchExperiment SetSearchSpace(SearchSpace searchSpace)
    {
        space = searchSpace ?? throw new ArgumentNullException(nameof(searchSpace));
        return this;
    }

    /// <summary>The tuner, over the same search space and with the objective's direction; default: cost-frugal search from the defaults.</summary>
    public PlasticSearchExperiment SetTuner(ITuner searchTuner) => Pass(search.SetTuner(searchTuner));

    /// <summary>The objective (default: mean prequential accuracy for classification, mean prequential loss for regression). The plasticity probe is not available here.</summary>
    public PlasticSearchExperiment SetObjective(StreamObjective searchObjective)
    {
        ArgumentNullException.ThrowIfNull(searchObjective);
        searchObjective.Validate();
        if (searchObjective.NeedsProbe)
            throw new NotSupportedException($"The ML.NET trainers' search cannot use {ObjectiveMetric.PlasticityLoss} (no plasticity probe in the trainers); use {ObjectiveMetric.Accuracy} or {ObjectiveMetric.Loss}.");
        objective = searchObjective;
        return this;
    }

    /// <summary>The budget: trials, seconds and windows (see <see cref="SearchBudget"/>).</summary>
    public PlasticSearchExperiment SetBudget(SearchBudget searchBudget) => Pass(search.SetBudget(searchBudget));

    /// <summary>Trials at once; see <see cref="SearchExperiment.SetParallelism"/>.</summary>
    public PlasticSearchExperiment SetParallelism(int degree, bool reproducibleOrder = true) => Pass(search.SetParallelism(degree, reproducibleOrder));

    /// <summary>The folder of the history, state, checkpoints and the data's stream file; an existing search there is resumed.</summary>
    public PlasticSearchExperiment SetCheckpointFolder(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        folder = path;
        return this;
    }

    /// <summary>Hears the search's progress.</summary>
    public PlasticSearchExperiment SetMonitor(ISearchMonitor searchMonitor) => Pass(search.SetMonitor(searchMonitor));

    /// <summary>Runs the trials (default: worker processes of this application).</summary>
    public PlasticSearchExperiment SetRunner(ITrialRunner trialRunner) => Pass(search.SetRunner(trialRunner));

    /// <summary>The seed of every trial (default: the trainer options' seed).</summary>
    public PlasticSearchExperiment SetSeed(long trialSeed)
    {
        search.SetSeed(trialSeed);
        seedSet = true;
        return this;
    }

    /// <summary>
    /// Runs (or resumes) the search and returns the best model, trained through every window. Throws
    /// <see cref="ArgumentException"/> (or <see cref="ArgumentOutOfRangeException"/> for a column, in ML.NET's wording)
    /// naming what is wrong before any trial runs.
    /// </summary>
    public async Task<PlasticSearchResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (data is null) throw new ArgumentException($"The search has no data: call {nameof(SetDataset)}.");
        if (trainer is null) throw new ArgumentException($"The search has no trainer: call {nameof(SetTrainer)}.");
        var (stream, _, classNames) = DataViewWindows.Read(data, windowColumn, trainer.FeatureColumnName, trainer.LabelColumnName, kind);
        if (stream.Count < tuningWindows)
            throw new ArgumentException($"The search tunes on {tuningWindows} windows, but the window column '{windowColumn}' cuts the data into {stream.Count}.");
        string searchFolder = Path.GetFullPath(folder ?? Path.Combine(Path.GetTempPath(), "plasticity-search-" + Guid.NewGuid().ToString("N")));
        string streamFile = Path.Combine(searchFolder, "data", "stream.windows");
        WriteStream(streamFile, stream, searchFolder);
        var baseline = trainer;
        var searchSpace = space ?? SearchSpace.FromOptions(baseline);
        var searchObjective = objective ?? (kind == PlasticPredictionKind.Regression ? new StreamObjective { Metric = ObjectiveMetric.Loss } : StreamObjective.MeanAccuracy);
        string OptionsFor(ParameterSet parameters) =>
            SearchExperiment.Compact(PlasticTrialOptions.For(kind, searchSpace.Apply(baseline, parameters), classNames));

        search.SetData(StreamReference.File(streamFile), tuningWindows)
            .SetLearner(LearnerTypes.NameOf<PlasticTrainerLearnerFactory>(), OptionsFor)
            .SetSearchSpace(searchSpace)
            .SetObjective(searchObjective)
            .SetCheckpointFolder(searchFolder);
        // ML.NET's convention, as for the trainers: the MLContext's seed decides unless a seed is set.
        if (!seedSet) search.SetSeed(baseline.Seed ?? ((Microsoft.ML.Runtime.IHostEnvironment)mlContext).Register(nameof(PlasticSearchExperiment)).Rand.Next());
        var result = await search.RunAsync(cancellationToken).ConfigureAwait(false);
        if (result.Best is null) return new PlasticSearchResult(null, null, result);

        var bestTrial = PlasticTrialOptions.Parse(result.BestOptions!);
        var bestOptions = bestTrial.CreateTrainerOptions();
        bestOptions.FeatureColumnName = trainer.FeatureColumnName;
        bestOptions.LabelColumnName = trainer.LabelColumnName;
        return new PlasticSearchResult(FinalModel(result, bestTrial, stream), bestOptions, result);
    }

    /// <summary>This experiment, after a setting was passed to the core's search (which checked and kept it).</summary>
    private PlasticSearchExperiment Pass(SearchExperiment _) => this;

    private PlasticSearchExperiment SetTrainer(PlasticPredictionKind predictionKind, PlasticTrainerOptionsBase options)
    {
        ArgumentNullException.ThrowIfNull(options);
        kind = predictionKind;
        trainer = options;
        return this;
    }

    /// <summary>Writes the data's stream file, unless the same bytes are there; refuses to replace the data of a search the folder holds.</summary>
    private static void WriteStream(string streamFile, WindowStream stream, string searchFolder)
    {
        string staged = streamFile + ".new";
        string sha = WindowStreamFile.Write(staged, stream);
        if (File.Exists(streamFile) && string.Equals(WindowStreamFile.Sha256(streamFile), sha, StringComparison.Ordinal))
        {
            File.Delete(staged);
            return;
        }
        if (File.Exists(Path.Combine(searchFolder, "history.jsonl")))
        {
            File.Delete(staged);
            throw new ArgumentException($"The folder {searchFolder} holds a search over other data (its rows, windows or labels differ from these); resume it with the same data, or use another folder.");
        }
        File.Move(staged, streamFile, overwrite: true);
    }

    /// <summary>The held-out run's model (it learned every window), or the best trial's model continued through the windows after it.</summary>
    private ITransformer FinalModel(SearchResult result, PlasticTrialOptions best, WindowStream stream)
    {
        if (result.HeldOut is { Best.Status: TrialStatus.Completed, Best.Checkpoint: { } heldOut })
            return mlContext.Model.Load(Path.Combine(heldOut, "model.zip"), out _);
        var checkpoint = Path.Combine(result.FinalCheckpoint!, "model.zip");
        using var learner = new PlasticTrainerWindowLearner(best, result.Best!.Seed, stream, checkpoint);
        for (int w = (int)result.Best.Fidelity; w < stream.Count; w++) learner.Learn(stream.Windows[w], w, CancellationToken.None);
        return learner.TakeModel()!;
    }
}
