using System.Text.Json;
using Plasticity.ML.Common;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Search.Trials;

/// <summary>
/// The core's learner: a TorchSharp network built from <see cref="ContinualTrainingOptions"/> (network, optimizer,
/// interventions, batch size), trained through the step protocol (<see cref="TrainingSession"/>) for
/// <see cref="ContinualTrainingOptions.StepsPerTask"/> mini-batch steps per window, mini-batches drawn at random from the
/// window. Its state is a <see cref="Checkpoint"/> (network, optimizer, interventions' state, the mini-batch stream),
/// so a trial that continues another ends bit for bit where a trial trained straight through would.
/// </summary>
/// <remarks>
/// Options used: everything that decides the model (<see cref="ContinualTrainingOptions.Network"/>,
/// <see cref="ContinualTrainingOptions.Optimizer"/>, <see cref="ContinualTrainingOptions.Interventions"/>, loss, batch
/// size, steps per window, <see cref="ContinualTrainingOptions.EvaluationSamples"/> for scoring, threads) and
/// <see cref="ContinualTrainingOptions.Probe"/> for the plasticity objective. The trial's seed replaces
/// <see cref="ContinualTrainingOptions.Seed"/>. Mechanism statistics (<see cref="ContinualTrainingOptions.Statistics"/>)
/// and <see cref="ContinualTrainingOptions.ProbeEveryTasks"/> are not used by trials.
/// </remarks>
public sealed class ContinualLearnerFactory : IWindowLearnerFactory
{
    /// <summary>Reads options written with <see cref="PlasticityJson"/>; throws <see cref="ArgumentException"/> for bad JSON.</summary>
    public static ContinualTrainingOptions Parse(string options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options);
        try
        {
            return PlasticityJson.Deserialize<ContinualTrainingOptions>(options);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The options are not valid {nameof(ContinualTrainingOptions)} JSON: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Validate(string options, WindowStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var parsed = Parse(options);
        parsed.Validate();
        if (parsed.Network.InputSize != stream.FeatureCount)
            throw new ArgumentException($"{nameof(ContinualTrainingOptions.Network)}.{nameof(Networks.NetworkSpec.InputShape)} gives {parsed.Network.InputSize} input features, but the stream '{stream.Name}' has {stream.FeatureCount}.");
        try
        {
            _ = new TrainingObjective(parsed.Network.Head, stream.TargetKind, stream.TargetCount, parsed.Loss, parsed.HuberDelta);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{nameof(ContinualTrainingOptions.Network)}.{nameof(Networks.NetworkSpec.Head)} does not fit the stream '{stream.Name}' ({stream.TargetKind}, {stream.TargetCount}): {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public IWindowLearner Create(string options, long seed, WindowStream stream) =>
        new ContinualWindowLearner(Parse(options) with { Seed = seed }, stream, resumeFrom: null);

    /// <inheritdoc />
    public string? ContinuationConflict(string from, string to)
    {
        var a = Parse(from);
        var b = Parse(to);
        if (PlasticityJson.Serialize(a.Network) != PlasticityJson.Serialize(b.Network)) return "the network spec differs (the weights do not carry over)";
        if (a.Optimizer.Kind != b.Optimizer.Kind || a.Optimizer.Implementation != b.Optimizer.Implementation) return "the optimizer kind differs (its state does not carry over)";
        if (!a.Interventions.Select(i => i.GetType()).SequenceEqual(b.Interventions.Select(i => i.GetType()))) return "the interventions differ (their state does not carry over)";
        if (a.Loss != b.Loss) return "the loss differs";
        return null;
    }

    /// <inheritdoc />
    public IWindowLearner Resume(string options, long seed, WindowStream stream, string stateFile) =>
        new ContinualWindowLearner(Parse(options) with { Seed = seed }, stream, Checkpoint.Load(stateFile));
}
