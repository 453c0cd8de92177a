using System.Diagnostics;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// Runs one trial from its spec: the one entry point every trial runner calls (in process, in a local worker process,
/// in an Orleans worker grain), so a trial gives the same outcome wherever it runs.
/// </summary>
public static class TrialExecutor
{
    /// <summary>
    /// Runs <paramref name="spec"/>: opens its windows, builds its learner (continuing from
    /// <see cref="TrialSpec.ResumeFrom"/> when that checkpoint is usable, else from scratch), learns windows
    /// <c>start .. Fidelity-1</c> scoring each next window before learning it, computes the objective over the windows of
    /// its span, writes its checkpoint, and returns the outcome. Never throws for a trial that fails: a bad spec, an
    /// exception, a NaN or infinite loss or score all give a <see cref="TrialStatus.Failed"/> outcome with the reason.
    /// </summary>
    /// <param name="spec">The trial.</param>
    /// <param name="cancellationToken">Cancels between steps; then <see cref="OperationCanceledException"/> is thrown and nothing is returned.</param>
    public static TrialOutcome Execute(TrialSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        string? note = null;
        long start = 0;
        try
        {
            spec.Validate();
            var factory = LearnerTypes.Resolve(spec.Learner);
            var stream = spec.Data.Open(spec.Windows);
            TrialCheckpoint? from = null;
            if (spec.ResumeFrom is not null) (from, note) = Usable(spec, factory);
            else if (spec.StartFidelity > 0) note = $"no checkpoint to continue from fidelity {spec.StartFidelity} was given; trained from scratch";

            IWindowLearner? resumed = null;
            if (from is not null)
            {
                try
                {
                    resumed = factory.Resume(spec.Options, spec.Seed, stream, Path.Combine(spec.ResumeFrom!, from.StateFile));
                }
                catch (InvalidDataException e)
                {
                    note = $"the checkpoint {spec.ResumeFrom} does not fit this learner ({e.Message}); trained from scratch to fidelity {spec.Fidelity}";
                    from = null;
                }
            }
            using var learner = resumed ?? factory.Create(spec.Options, spec.Seed, stream);
            start = from?.Fidelity ?? 0;
            var lineage = new List<WindowScore>(from?.Scores ?? []);
            var own = new List<WindowScore>();
            double? initialProbe = from?.InitialProbeLoss;
            if (spec.Objective.NeedsProbe && initialProbe is null) initialProbe = Finite(learner.ProbeLoss(stream.Windows[0], cancellationToken), "the probe loss of the initial network");

            for (long w = start; w < spec.Fidelity; w++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                learner.Learn(stream.Windows[(int)w], (int)w, cancellationToken);
                if (w + 1 >= stream.Count) continue;
                var score = learner.Score(stream.Windows[(int)w + 1], (int)w + 1);
                if (!double.IsFinite(score.Loss))
                    throw new ArithmeticException($"The prequential loss of window {score.Window} is {score.Loss}: the model's outputs are not finite after learning window {w}.");
                lineage.Add(score);
                own.Add(score);
            }
            double? finalProbe = spec.Objective.NeedsProbe ? Finite(learner.ProbeLoss(stream.Windows[0], cancellationToken), "the probe loss at the end of the trial") : null;
            var span = lineage.Where(s => s.Window > spec.StartFidelity && s.Window <= spec.Fidelity).ToList();
            double metric = spec.Objective.Compute(span, initialProbe, finalProbe);
            if (spec.CheckpointFolder is not null) TrialCheckpoint.Write(spec.CheckpointFolder, learner, spec, spec.Fidelity, lineage, initialProbe);
            return new TrialOutcome
            {
                Name = spec.Name,
                TrialId = spec.TrialId,
                Status = TrialStatus.Completed,
                Metric = metric,
                Seconds = clock.Elapsed.TotalSeconds,
                StartFidelity = start,
                Fidelity = spec.Fidelity,
                Scores = own,
                InitialProbeLoss = initialProbe,
                FinalProbeLoss = finalProbe,
                Checkpoint = spec.CheckpointFolder,
                Note = note,
                Worker = Worker,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return Failed(spec, $"{e.GetType().Name}: {e.Message}", clock.Elapsed.TotalSeconds, start, note);
        }
    }

    /// <summary>A failed outcome for <paramref name="spec"/> (also what a runner reports for a worker that died).</summary>
    public static TrialOutcome Failed(TrialSpec spec, string error, double seconds, long startFidelity = 0, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new TrialOutcome
        {
            Name = spec.Name,
            TrialId = spec.TrialId,
            Status = TrialStatus.Failed,
            Error = error,
            Seconds = Math.Max(0, seconds),
            StartFidelity = startFidelity,
            Fidelity = startFidelity,
            Note = note,
            Worker = Worker,
        };
    }

    /// <summary>"machine/pid", where a trial ran.</summary>
    public static string Worker => $"{Environment.MachineName}/{Environment.ProcessId}";

    private static (TrialCheckpoint? Checkpoint, string? Note) Usable(TrialSpec spec, IWindowLearnerFactory factory)
    {
        var (info, problem) = TrialCheckpoint.TryRead(spec.ResumeFrom!);
        string? why = problem;
        if (info is not null)
        {
            if (info.Learner != spec.Learner) why = $"the checkpoint {spec.ResumeFrom} holds a {info.Learner} model";
            else if (info.Fidelity != spec.StartFidelity) why = $"the checkpoint {spec.ResumeFrom} has learned {info.Fidelity} windows, not {spec.StartFidelity}";
            else if (spec.Objective.NeedsProbe && info.InitialProbeLoss is null) why = $"the checkpoint {spec.ResumeFrom} has no initial probe loss";
            else if (factory.ContinuationConflict(info.Options, spec.Options) is { } conflict) why = $"the checkpoint {spec.ResumeFrom} cannot continue with these options: {conflict}";
        }
        return why is null ? (info, null) : (null, $"{why}; trained from scratch to fidelity {spec.Fidelity}");
    }

    private static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw new ArithmeticException($"{char.ToUpperInvariant(what[0])}{what[1..]} is {value}.");
}
