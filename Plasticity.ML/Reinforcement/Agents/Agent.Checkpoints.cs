using System.Security.Cryptography;
using System.Text;
using Plasticity.ML.Common;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Reinforcement.Agents;

// Checkpoints of the whole agent (session, target, replay, streams, counters, records) and of the episode in progress,
// and resuming from them; apart from Agent.cs so that the run loop there reads top to bottom.
public abstract partial class Agent
{
    /// <summary>
    /// Writes the whole agent into <paramref name="checkpoint"/>: the online network, optimizer state and hooks' state
    /// (<see cref="TrainingSession.Save"/>), the target network ("target", and in "target-injection" the frozen parts of
    /// a plasticity injection it took over), the replay buffer ("replay"), and the run's counters, random streams,
    /// episode in progress and records so far ("agent").
    /// </summary>
    public void Save(Checkpoint checkpoint) => Save(checkpoint, borrowReplay: false);

    /// <summary>As <see cref="Save(Checkpoint)"/>; with <paramref name="borrowReplay"/> the checkpoint refers to the
    /// replay's observations instead of copying them (gigabytes on ALE), for a checkpoint written before the agent steps again.</summary>
    private void Save(Checkpoint checkpoint, bool borrowReplay)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        EnsureStarted();
        Session.Save(checkpoint);
        var target = checkpoint.Add("target");
        foreach (var (name, value) in Target.state_dict()) target.Set(name, value);
        InjectionState.Save(Target, checkpoint.Add("target-injection"));
        Replay.Save(checkpoint.Add("replay"), borrowReplay);
        state.Save(checkpoint.Add("agent"));
    }

    /// <summary>Restores what <see cref="Save(Checkpoint)"/> wrote into an agent built with the same options for the same environment.</summary>
    /// <exception cref="InvalidDataException">The checkpoint does not fit this agent (names which part).</exception>
    public void Load(Checkpoint checkpoint) => Load(checkpoint, adoptReplay: false);

    /// <summary>As <see cref="Load(Checkpoint)"/>; with <paramref name="adoptReplay"/> the replay takes over the
    /// checkpoint's observation arrays instead of copying them (for a checkpoint dropped after the load).</summary>
    private void Load(Checkpoint checkpoint, bool adoptReplay)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        EnsureStarted();
        Session.Load(checkpoint);
        var target = checkpoint.Bag("target");
        var parameters = Target.state_dict();
        if (target.Names.Count() != parameters.Count)
            throw new InvalidDataException($"The checkpoint holds {target.Names.Count()} target-network tensors, but the target network has {parameters.Count}.");
        foreach (var (name, value) in parameters) target.CopyInto(name, value);
        InjectionState.Load(Target, checkpoint.Bag("target-injection"));
        Replay.Load(checkpoint.Bag("replay"), adoptReplay);
        state.Load(checkpoint.Bag("agent"));
        Session.UseObservations(Replay);
    }

    /// <summary>Saves the whole agent to <paramref name="path"/> (atomically), as <see cref="Save(Checkpoint)"/> does, with a description of where the run is.</summary>
    private void SaveAgent(string path)
    {
        var checkpoint = new Checkpoint(PlasticityJson.Serialize(new { Code = CodeVersion.Current, state.Step, state.Stage, Environment = Environment.Name }));
        Save(checkpoint, borrowReplay: true);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        checkpoint.Save(path);
    }

    private void WriteCheckpoint(string path, string fingerprint)
    {
        var checkpoint = new Checkpoint(PlasticityJson.Serialize(new CheckpointDescription(fingerprint, CodeVersion.Current, state.Step, Environment.Name)));
        Save(checkpoint, borrowReplay: true);
        checkpoint.Save(path);
    }

    private bool TryResume(IReadOnlyList<AgentStage> stages, RunCheckpointing? checkpointing, string fingerprint, IProgress<AgentProgress>? progress)
    {
        if (checkpointing is null) return false;
        void Warn(string message) => progress?.Report(new AgentProgress(0, runSteps, "warning", 0, double.NaN, double.NaN, Options.EpsilonStart, message));
        var checkpoint = Checkpoint.LoadNewest(checkpointing.Path, message => Warn(message + " It is not used."));
        if (checkpoint is null) return false;
        var description = PlasticityJson.Deserialize<CheckpointDescription>(checkpoint.Description);
        if (description.Fingerprint != fingerprint)
        {
            Warn($"The checkpoint {checkpointing.Path} was written by other settings, another environment or other code; the run starts from the beginning.");
            Checkpoint.Delete(checkpointing.Path);
            return false;
        }
        Load(checkpoint, adoptReplay: true);
        if (state.Stage >= stages.Count)
            throw new InvalidDataException($"The checkpoint {checkpointing.Path} is in stage {state.Stage + 1}, but the run has {stages.Count} stages.");
        RestoreEpisode(stages[state.Stage].Environment);
        string where = stages.Count > 1 ? $" (stage {state.Stage + 1} of {stages.Count}, {stages[state.Stage].Environment.Spec.Name})" : "";
        progress?.Report(new AgentProgress(state.Step, runSteps, "resumed", state.Episodes.Count, state.RecentReturn(), double.NaN, Epsilon(state.Step),
            $"resumed at step {state.Step:N0} of {runSteps:N0}{where} from the checkpoint {checkpointing.Path}", state.Stage));
        return true;
    }

    /// <summary>Brings the environment to the state of the episode in progress: reset with its seed, replay its actions.</summary>
    private void RestoreEpisode(IEnvironment environment)
    {
        var observation = new byte[Environment.ObservationSize];
        environment.Reset(state.EpisodeSeed, observation);
        for (int i = 0; i < state.EpisodeActions.Count; i++)
        {
            var outcome = environment.Step(state.EpisodeActions[i], observation);
            if (outcome.Done && i + 1 < state.EpisodeActions.Count)
                throw new InvalidOperationException($"Replaying the episode in progress ended it at step {i + 1} of {state.EpisodeActions.Count}: {Environment.Name} is not deterministic given its reset seed and actions, so the run cannot resume.");
        }
        if (!observation.AsSpan().SequenceEqual(state.Observation))
            throw new InvalidOperationException($"Replaying the episode in progress gave another observation than the checkpoint's: {Environment.Name} is not deterministic given its reset seed and actions, so the run cannot resume.");
    }

    /// <summary>What must match for a checkpoint to be resumed: everything that decides the numbers, and the code.</summary>
    private string Fingerprint(IReadOnlyList<AgentStage> stages)
    {
        string text = PlasticityJson.Serialize(new
        {
            Options = Options with { Threads = 0 },
            Environment,
            Stages = stages.Select(s => s.Description).ToArray(),
            Hooks = Session.Hooks.Select(h => h.GetType().FullName).ToArray(),
            Code = CodeVersion.Current,
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private sealed record CheckpointDescription(string Fingerprint, string Code, long Step, string Environment);
}
