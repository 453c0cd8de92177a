using System.Diagnostics;
using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Experiment;

/// <summary>
/// One session of a search: opens (or resumes) its folder, keeps up to the degree of parallelism of trials running,
/// records every proposal and result, feeds results to the tuner, stops at the budget, and evaluates the held-out windows.
/// </summary>
internal sealed class SearchRun
{
    private readonly SearchRunSettings s;
    private readonly SearchStore store;
    private readonly SortedDictionary<int, TrialProposedLine> proposals = [];
    private readonly Dictionary<int, TrialFinishedLine> results = [];
    private readonly Stopwatch clock = new();
    private double elapsedBefore;
    private long windowsUsed;
    private int running;

    public SearchRun(SearchRunSettings settings)
    {
        s = settings;
        store = new SearchStore(settings.Folder);
    }

    private double Elapsed => elapsedBefore + clock.Elapsed.TotalSeconds;

    public async Task<SearchResult> RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Open();
        clock.Start();
        var reason = await LoopAsync(cancellationToken).ConfigureAwait(false);
        var heldOut = await HeldOutAsync(cancellationToken).ConfigureAwait(false);
        store.SaveState(ExportTuner(), Elapsed);
        var best = Best();
        return new SearchResult
        {
            Best = best,
            History = proposals.Keys.Select(Record).ToList(),
            Tuner = s.Tuner.GetType().Name,
            Objective = s.Objective,
            Budget = s.Budget,
            StoppedBy = reason,
            DefaultParameters = s.Space.Default,
            BestOptions = best is null ? null : s.Learner.OptionsFor(s.Space, best.Parameters),
            TuningWindows = s.TuningWindows,
            Windows = s.Windows,
            HeldOut = heldOut,
            FinalCheckpoint = heldOut is { Best.Status: TrialStatus.Completed } ? heldOut.Best.Checkpoint
                : best is null ? null : store.CheckpointFolder(Name(best.Id)),
            Seconds = Elapsed,
            Folder = store.Folder,
        };
    }

    private void Open()
    {
        var header = new SearchStartedLine
        {
            Format = 1,
            Tuner = s.Tuner.GetType().FullName ?? s.Tuner.GetType().Name,
            Space = s.Space.ToString(),
            Objective = s.Objective,
            Learner = s.Learner.Type,
            BaseOptions = s.DefaultOptions,
            Data = s.Data,
            TuningWindows = s.TuningWindows,
            Windows = s.Windows,
            Seed = s.Seed,
            Time = DateTimeOffset.UtcNow,
        };
        if (!store.Exists)
        {
            store.Create(header, ExportTuner());
            Message($"Search started in {store.Folder}.");
            return;
        }
        var loaded = store.Load(Message);
        Compare(loaded.Header, header);
        if (s.Tuner is not IResumableTuner resumable)
            throw new ArgumentException($"The folder {store.Folder} holds a search to resume, but the tuner {s.Tuner.GetType().Name} cannot import its state (it is not an {nameof(IResumableTuner)}).");
        if (loaded.State.Tuner is null)
            throw new InvalidDataException($"{store.StatePath} holds no tuner state; the search cannot resume. Use another folder.");
        try
        {
            resumable.ImportState(loaded.State.Tuner.ToJsonString());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The tuner state in {store.StatePath} does not fit this tuner: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The tuner state in {store.StatePath} is damaged ({e.Message}); the search cannot resume. Use another folder.", e);
        }
        elapsedBefore = loaded.State.Elapsed;
        foreach (var line in loaded.Lines)
        {
            if (line is TrialProposedLine p) proposals[p.Trial] = p;
            else if (line is TrialFinishedLine f) results[f.Trial] = f;
        }
        windowsUsed = proposals.Values.Sum(p => p.Fidelity - p.StartFidelity);
        if (loaded.Uncommitted is { } result)
        {
            results[result.Trial] = result;
            s.Tuner.Update(ResultOf(result));
            store.SaveState(ExportTuner(), elapsedBefore);
        }
        int pending = proposals.Keys.Count(id => !results.ContainsKey(id));
        Message($"Resumed the search in {store.Folder}: {results.Count} trial(s) recorded{(pending > 0 ? $", {pending} that were running run again" : "")}.");
    }

    private void Compare(SearchStartedLine stored, SearchStartedLine now)
    {
        void Same(string field, string was, string @is)
        {
            if (was != @is)
                throw new ArgumentException($"The folder {store.Folder} holds a search with other settings ({field}: it was {Short(was)}, now {Short(@is)}). Resume it with the same settings, or use another folder.");
        }
        Same("tuner", stored.Tuner, now.Tuner);
        Same("search space", stored.Space, now.Space);
        Same("objective", stored.Objective.ToString(), now.Objective.ToString());
        Same("learner", stored.Learner, now.Learner);
        Same("default options", stored.BaseOptions, now.BaseOptions);
        Same("data", PlasticityJson.Serialize(stored.Data), PlasticityJson.Serialize(now.Data));
        Same("tuning windows", stored.TuningWindows.ToString(), now.TuningWindows.ToString());
        Same("windows", stored.Windows.ToString(), now.Windows.ToString());
        Same("seed", stored.Seed.ToString(), now.Seed.ToString());
    }

    private async Task<SearchStopReason> LoopAsync(CancellationToken cancellationToken)
    {
        using var trials = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new SortedDictionary<int, Task<TrialOutcome>>();
        var rerun = new Queue<TrialProposedLine>(proposals.Values.Where(p => !results.ContainsKey(p.Trial)));
        SearchStopReason? stop = null;
        try
        {
            while (true)
            {
                bool waiting = false;
                while (tasks.Count < s.Parallelism)
                {
                    if (rerun.Count > 0)
                    {
                        var again = rerun.Dequeue();
                        tasks[again.Trial] = Start(again, trials.Token);
                        continue;
                    }
                    if (stop is not null) break;
                    stop = BudgetReached();
                    if (stop is not null) break;
                    var proposal = s.Tuner.Propose();
                    if (proposal is null)
                    {
                        waiting = true;
                        break;
                    }
                    var line = Propose(proposal);
                    tasks[line.Trial] = Start(line, trials.Token);
                }
                if (tasks.Count == 0) return stop ?? (waiting ? SearchStopReason.TunerFinished : throw new InvalidOperationException("The search has nothing running and nothing to wait for."));
                int id;
                if (s.ReproducibleOrder)
                {
                    id = tasks.Keys.First();
                }
                else
                {
                    var done = await Task.WhenAny(tasks.Values).ConfigureAwait(false);
                    id = tasks.First(kv => kv.Value == done).Key;
                }
                var outcome = await tasks[id].ConfigureAwait(false);
                tasks.Remove(id);
                running = tasks.Count;
                Deliver(id, outcome);
            }
        }
        catch
        {
            // Stop every trial still running; they are lost and run again on resume. The folder is consistent as of the last line.
            await trials.CancelAsync().ConfigureAwait(false);
            foreach (var task in tasks.Values)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Cancelled, or failed on its own while the search stops: either way it is pending.
                }
            }
            throw;
        }
    }

    private SearchStopReason? BudgetReached()
    {
        var b = s.Budget;
        if (b.MaxTrials is int trials && proposals.Count >= trials) return SearchStopReason.TrialBudget;
        if (b.MaxSeconds is double seconds && Elapsed >= seconds) return SearchStopReason.TimeBudget;
        if (b.MaxWindows is long windows && windowsUsed >= windows) return SearchStopReason.WindowBudget;
        return null;
    }

    private TrialProposedLine Propose(TrialProposal proposal)
    {
        long fidelity = proposal.Fidelity ?? s.MaxFidelity;
        if (fidelity < 1 || fidelity > s.MaxFidelity || proposal.StartFidelity < 0 || proposal.StartFidelity >= fidelity)
            throw new InvalidOperationException(
                $"The tuner proposed trial {proposal.Id} from fidelity {proposal.StartFidelity} to {fidelity}; with {s.TuningWindows} tuning windows a trial learns from 1 to {s.MaxFidelity} windows " +
                $"(the last tuning window is only scored). Set the tuner's MaxFidelity (ASHA, PBT) to at most {s.MaxFidelity}.");
        if (proposal.ResumeFrom is int from && !proposals.ContainsKey(from))
            throw new InvalidOperationException($"The tuner proposed trial {proposal.Id} to continue trial {from}, which this search never ran.");
        var line = new TrialProposedLine
        {
            Trial = proposal.Id,
            Parameters = proposal.Parameters,
            Fidelity = fidelity,
            StartFidelity = proposal.StartFidelity,
            ResumeFrom = proposal.ResumeFrom,
            Seed = s.Seed,
            Elapsed = Elapsed,
            Time = DateTimeOffset.UtcNow,
        };
        store.Append(line);
        proposals[line.Trial] = line;
        windowsUsed += line.Fidelity - line.StartFidelity;
        store.SaveState(ExportTuner(), Elapsed);
        return line;
    }

    private Task<TrialOutcome> Start(TrialProposedLine line, CancellationToken cancellationToken)
    {
        string name = Name(line.Trial);
        TrialSpec spec;
        try
        {
            string options = s.Learner.OptionsFor(s.Space, line.Parameters);
            s.Factory.Validate(options, s.TuningStream);
            spec = new TrialSpec
            {
                Name = name,
                TrialId = line.Trial,
                Learner = s.Learner.Type,
                Options = options,
                Parameters = line.Parameters,
                Seed = line.Seed,
                Data = s.Data,
                Windows = s.TuningWindows,
                StartFidelity = line.StartFidelity,
                Fidelity = line.Fidelity,
                ResumeFrom = line.ResumeFrom is int from ? store.CheckpointFolder(Name(from)) : null,
                CheckpointFolder = store.CheckpointFolder(name),
                Objective = s.Objective,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return Task.FromResult(new TrialOutcome { Name = name, TrialId = line.Trial, Status = TrialStatus.Failed, Error = $"The settings are not valid: {e.Message}" });
        }
        running++;
        s.Monitor?.OnTrialStarted(Record(line.Trial), Progress());
        return s.Runner.RunAsync(spec, cancellationToken);
    }

    private void Deliver(int id, TrialOutcome outcome)
    {
        var proposal = proposals[id];
        bool completed = outcome.Status == TrialStatus.Completed && double.IsFinite(outcome.Metric);
        var line = new TrialFinishedLine
        {
            Trial = id,
            Parameters = proposal.Parameters,
            Status = completed ? TrialStatus.Completed : TrialStatus.Failed,
            Metric = completed ? outcome.Metric : double.NaN,
            Cost = double.IsFinite(outcome.Seconds) && outcome.Seconds >= 0 ? outcome.Seconds : 0,
            Seed = proposal.Seed,
            Error = completed ? null : outcome.Error ?? $"The trial reported the metric {outcome.Metric} without an error.",
            Fidelity = completed ? outcome.Fidelity : outcome.StartFidelity,
            StartFidelity = outcome.StartFidelity,
            Scores = [.. outcome.Scores],
            InitialProbeLoss = outcome.InitialProbeLoss,
            FinalProbeLoss = outcome.FinalProbeLoss,
            Note = outcome.Note,
            Worker = outcome.Worker,
            Elapsed = Elapsed,
            Time = DateTimeOffset.UtcNow,
        };
        // Order matters for resuming: the line first, then the tuner, then its state (see SearchStore.Load).
        store.Append(line);
        results[id] = line;
        s.Tuner.Update(ResultOf(line));
        store.SaveState(ExportTuner(), Elapsed);
        s.Monitor?.OnTrialFinished(Record(id), Progress());
    }

    private TrialResult ResultOf(TrialFinishedLine line) => new TrialOutcome
    {
        Name = Name(line.Trial),
        TrialId = line.Trial,
        Status = line.Status,
        Metric = line.Metric,
        Error = line.Error,
        Seconds = line.Cost,
        StartFidelity = line.StartFidelity,
        Fidelity = line.Fidelity,
        Scores = line.Scores,
    }.ToTrialResult(line.Trial, s.Objective);

    private async Task<HeldOutReport?> HeldOutAsync(CancellationToken cancellationToken)
    {
        var best = Best();
        if (!s.EvaluateHeldOut || best is null || s.Windows <= s.TuningWindows) return null;
        if (File.Exists(store.HeldOutPath))
        {
            try
            {
                var stored = PlasticityJson.ReadFile<HeldOutReport>(store.HeldOutPath);
                if (stored.BestTrial == best.Id && stored.Windows == s.Windows) return stored;
            }
            catch (JsonException)
            {
                // Evaluated again below.
            }
        }
        Message($"Evaluating the best trial ({best.Id}) and the default settings on the held-out windows {s.TuningWindows} to {s.Windows - 1}.");
        TrialSpec Spec(string name, string options, Space.ParameterSet parameters, long start, string? resumeFrom) => new()
        {
            Name = name,
            Learner = s.Learner.Type,
            Options = options,
            Parameters = parameters,
            Seed = s.Seed,
            Data = s.Data,
            Windows = s.Windows,
            StartFidelity = start,
            Fidelity = s.Windows,
            ResumeFrom = resumeFrom,
            CheckpointFolder = store.CheckpointFolder(name),
            Objective = s.Objective,
        };
        var bestSpec = Spec("holdout-best", s.Learner.OptionsFor(s.Space, best.Parameters), best.Parameters, best.Fidelity, store.CheckpointFolder(Name(best.Id)));
        var defaultSpec = Spec("holdout-default", s.DefaultOptions, s.Space.Default, 0, null);
        TrialOutcome bestOutcome, defaultOutcome;
        if (s.Parallelism >= 2)
        {
            var both = await Task.WhenAll(s.Runner.RunAsync(bestSpec, cancellationToken), s.Runner.RunAsync(defaultSpec, cancellationToken)).ConfigureAwait(false);
            (bestOutcome, defaultOutcome) = (both[0], both[1]);
        }
        else
        {
            bestOutcome = await s.Runner.RunAsync(bestSpec, cancellationToken).ConfigureAwait(false);
            defaultOutcome = await s.Runner.RunAsync(defaultSpec, cancellationToken).ConfigureAwait(false);
        }
        var report = new HeldOutReport
        {
            FirstWindow = s.TuningWindows,
            Windows = s.Windows,
            BestTrial = best.Id,
            Best = bestOutcome,
            Default = defaultOutcome,
            BestMetric = HeldOutMetric(bestOutcome),
            DefaultMetric = HeldOutMetric(defaultOutcome),
        };
        PlasticityJson.WriteFile(store.HeldOutPath, report);
        return report;
    }

    private double HeldOutMetric(TrialOutcome outcome)
    {
        if (outcome.Status != TrialStatus.Completed) return double.NaN;
        try
        {
            return s.Objective.Compute(outcome.Scores.Where(w => w.Window >= s.TuningWindows).ToList(), outcome.InitialProbeLoss, outcome.FinalProbeLoss);
        }
        catch (ArgumentException)
        {
            return double.NaN;
        }
    }

    /// <summary>The best completed trial among those at the highest fidelity any completed trial reached; ties to the lower id.</summary>
    private TrialRecord? Best()
    {
        var completed = results.Values.Where(r => r.Status == TrialStatus.Completed).ToList();
        if (completed.Count == 0) return null;
        long top = completed.Max(r => r.Fidelity);
        var candidates = completed.Where(r => r.Fidelity == top);
        var best = s.Objective.Direction == OptimizationDirection.Maximize
            ? candidates.OrderByDescending(r => r.Metric).ThenBy(r => r.Trial).First()
            : candidates.OrderBy(r => r.Metric).ThenBy(r => r.Trial).First();
        return Record(best.Trial);
    }

    private TrialRecord Record(int id)
    {
        var p = proposals[id];
        var record = new TrialRecord
        {
            Id = id,
            Parameters = p.Parameters,
            Fidelity = p.Fidelity,
            StartFidelity = p.StartFidelity,
            ResumeFrom = p.ResumeFrom,
            Seed = p.Seed,
            ProposedAt = p.Elapsed,
        };
        if (!results.TryGetValue(id, out var r)) return record;
        return record with
        {
            Status = r.Status,
            Metric = r.Metric,
            Cost = r.Cost,
            Error = r.Error,
            Scores = r.Scores,
            InitialProbeLoss = r.InitialProbeLoss,
            FinalProbeLoss = r.FinalProbeLoss,
            Note = r.Note,
            Worker = r.Worker,
            FinishedAt = r.Elapsed,
        };
    }

    private SearchProgress Progress()
    {
        var finished = results.Values.ToList();
        double elapsed = Elapsed;
        var estimates = new List<double>();
        var b = s.Budget;
        if (b.MaxSeconds is double seconds) estimates.Add(Math.Max(0, seconds - elapsed));
        if (finished.Count > 0)
        {
            double meanCost = finished.Average(r => r.Cost);
            if (b.MaxTrials is int trials) estimates.Add(Math.Max(0, trials - finished.Count) * meanCost / s.Parallelism);
            long learned = finished.Sum(r => Math.Max(1, proposals[r.Trial].Fidelity - proposals[r.Trial].StartFidelity));
            if (b.MaxWindows is long windows)
                estimates.Add(Math.Max(0, windows - learned) * finished.Sum(r => r.Cost) / learned / s.Parallelism);
        }
        return new SearchProgress
        {
            Finished = finished.Count,
            Failed = finished.Count(r => r.Status == TrialStatus.Failed),
            Running = running,
            Proposed = proposals.Count,
            Best = Best(),
            Elapsed = TimeSpan.FromSeconds(elapsed),
            Remaining = estimates.Count == 0 ? null : TimeSpan.FromSeconds(estimates.Min()),
            Windows = windowsUsed,
            Budget = s.Budget,
        };
    }

    private string? ExportTuner() => (s.Tuner as IResumableTuner)?.ExportState();

    private void Message(string message) => s.Monitor?.OnMessage(message);

    private static string Name(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Short(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
