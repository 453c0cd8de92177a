using Plasticity.ML.Common;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// Everything one trial needs, as plain serializable data (never a closure), so a trial runs the same in this
/// process, in a worker process or on another machine: the learner and its options with the trial's parameters already
/// applied, where the windows are, how many of them the trial may see, the fidelity span to train, the checkpoint to
/// start from and the folder to write its own to, the objective and the seed. Run it with
/// <see cref="TrialExecutor.Execute"/>; every trial runner does.
/// </summary>
/// <remarks>
/// The trial learns windows <c>StartFidelity .. Fidelity-1</c> (starting from the state in <see cref="ResumeFrom"/>,
/// or from scratch) and scores each window <c>w+1</c> right after learning window <c>w</c>, before it learns it
/// (prequential, test-then-train). It never reads a window at or beyond <see cref="Windows"/>: the held-out part of a
/// stream stays unseen by the search. Paths (<see cref="ResumeFrom"/>, <see cref="CheckpointFolder"/>, a file
/// <see cref="Data"/>) must be valid where the trial runs: on several machines, a shared folder.
/// </remarks>
public sealed record TrialSpec
{
    /// <summary>The format of this record; a runner refuses a spec of another format.</summary>
    public const int CurrentFormat = 1;

    /// <summary>The format the spec was written in (<see cref="CurrentFormat"/>).</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The trial's name, unique within its search: the tuner's id ("7") or an evaluation's name ("holdout-best").</summary>
    public required string Name { get; init; }

    /// <summary>The tuner's id of the trial (<see cref="Tuners.TrialProposal.Id"/>); null for a trial the tuner did not propose.</summary>
    public int? TrialId { get; init; }

    /// <summary>The assembly-qualified name of the <see cref="IWindowLearnerFactory"/> that builds the trial's model
    /// (<see cref="LearnerTypes.NameOf(Type)"/>), such as the core's <see cref="ContinualLearnerFactory"/>.</summary>
    public required string Learner { get; init; }

    /// <summary>The learner's options as JSON, with the trial's parameters applied.</summary>
    public required string Options { get; init; }

    /// <summary>The trial's parameters in real units (recorded; already applied in <see cref="Options"/>).</summary>
    public ParameterSet Parameters { get; init; } = ParameterSet.Empty;

    /// <summary>The seed of every random choice of the trial (it overrides any seed in <see cref="Options"/>).</summary>
    public long Seed { get; init; }

    /// <summary>Where the windows are.</summary>
    public required StreamReference Data { get; init; }

    /// <summary>How many windows of the stream, from the first, the trial may read (at least 2).</summary>
    public required int Windows { get; init; }

    /// <summary>The fidelity to start from: the number of windows the <see cref="ResumeFrom"/> state has learned (0 from scratch).</summary>
    public long StartFidelity { get; init; }

    /// <summary>The number of windows learned when the trial ends (at most <see cref="Windows"/>).</summary>
    public required long Fidelity { get; init; }

    /// <summary>
    /// The checkpoint folder of the trial to continue from, or null to start from scratch. When it is missing, damaged,
    /// at another fidelity, or its model cannot continue with these options (another architecture), the trial trains
    /// from scratch up to <see cref="Fidelity"/> instead and says so in <see cref="TrialOutcome.Note"/>.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>The folder to write the trial's final state to (model, optimizer state, scores; atomically), or null for none.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>The objective the trial reports.</summary>
    public StreamObjective Objective { get; init; } = StreamObjective.MeanAccuracy;

    /// <summary>Checks the spec and throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (Format != CurrentFormat) throw new ArgumentException($"The trial spec has format {Format}; this version runs format {CurrentFormat}.");
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException($"{nameof(Name)} must be set.");
        if (string.IsNullOrWhiteSpace(Learner)) throw new ArgumentException($"Trial {Name}: {nameof(Learner)} must name an {nameof(IWindowLearnerFactory)} type.");
        if (string.IsNullOrWhiteSpace(Options)) throw new ArgumentException($"Trial {Name}: {nameof(Options)} must hold the learner's options as JSON.");
        ArgumentNullException.ThrowIfNull(Parameters, nameof(Parameters));
        if (Data is null) throw new ArgumentException($"Trial {Name}: {nameof(Data)} must say where the windows are.");
        Data.Validate();
        if (Windows < 2) throw new ArgumentException($"Trial {Name}: {nameof(Windows)} must be at least 2 (one window to learn, the next to score); got {Windows}.");
        if (StartFidelity < 0) throw new ArgumentException($"Trial {Name}: {nameof(StartFidelity)} must be non-negative; got {StartFidelity}.");
        if (Fidelity <= StartFidelity || Fidelity > Windows)
            throw new ArgumentException($"Trial {Name}: {nameof(Fidelity)} must lie in ({nameof(StartFidelity)} = {StartFidelity}, {nameof(Windows)} = {Windows}]; got {Fidelity}.");
        if (Objective is null) throw new ArgumentException($"Trial {Name}: {nameof(Objective)} must be set.");
        Objective.Validate();
    }

    /// <summary>The spec as JSON (the library's settings).</summary>
    public string ToJson() => PlasticityJson.Serialize(this);

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    public static TrialSpec FromJson(string json) => PlasticityJson.Deserialize<TrialSpec>(json);
}
