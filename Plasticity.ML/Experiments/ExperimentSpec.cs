using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Experiments;

/// <summary>
/// A whole experiment as data: images, task sequence, base training options, the variants to compare and the
/// seeds. Written next to every result, so any run can be repeated exactly from its <c>spec.json</c>.
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>Experiment name, such as "plasticity".</summary>
    public required string Name { get; init; }

    /// <summary>What it shows, in a sentence or two.</summary>
    public string Description { get; init; } = "";

    /// <summary>The images.</summary>
    public DataSpec Data { get; init; } = new();

    /// <summary>The task sequence (its seed is offset per run seed so seeds differ in targets too).</summary>
    public TaskSequenceSpec Tasks { get; init; } = new();

    /// <summary>Training options shared by all variants (their seed is replaced per run).</summary>
    public ContinualTrainingOptions Training { get; init; } = new();

    /// <summary>The arms to compare.</summary>
    public IReadOnlyList<VariantSpec> Variants { get; init; } = [];

    /// <summary>Number of seeds per variant (unless <see cref="SeedList"/> names them).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Seed of the first run; run i uses <c>FirstSeed + i</c> (unless <see cref="SeedList"/> names the seeds).</summary>
    public long FirstSeed { get; init; } = 1;

    /// <summary>
    /// The seeds of the runs when they are not consecutive (for example the seeds whose records are kept); when set,
    /// <see cref="Seeds"/> and <see cref="FirstSeed"/> are not used. Null: the <see cref="Seeds"/> seeds from <see cref="FirstSeed"/>.
    /// </summary>
    public IReadOnlyList<long>? SeedList { get; init; }

    /// <summary>Runs executed side by side (one intra-op thread each); 0 uses one per core.</summary>
    public int ParallelRuns { get; init; }

    /// <summary>Intra-op threads of each run; 0 chooses from the network size and the cores left per parallel run.</summary>
    public int ThreadsPerRun { get; init; }

    /// <summary>Checks the spec and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("An experiment needs a name.");
        if (Variants.Count == 0) throw new ArgumentException($"Experiment '{Name}' has no variants.");
        if (Variants.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() != Variants.Count)
            throw new ArgumentException($"Experiment '{Name}' has two variants with the same name.");
        if (Seeds <= 0) throw new ArgumentException($"{nameof(Seeds)} must be positive; got {Seeds}.");
        ExperimentSeeds.Validate(SeedList);
        if (ThreadsPerRun < 0) throw new ArgumentException($"{nameof(ThreadsPerRun)} must be non-negative; got {ThreadsPerRun}.");
        if (ParallelRuns < 0) throw new ArgumentException($"{nameof(ParallelRuns)} must be non-negative; got {ParallelRuns}.");
        Tasks.Validate();
        foreach (var variant in Variants)
        {
            variant.ApplyTasks(Tasks).Validate();
            variant.Apply(Training, RunSeeds[0]).Validate();
        }
    }

    /// <summary>The seeds of the runs: <see cref="SeedList"/>, or <see cref="Seeds"/> consecutive seeds from <see cref="FirstSeed"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<long> RunSeeds => ExperimentSeeds.Of(Seeds, FirstSeed, SeedList);
}
