using Plasticity.ML.Reinforcement.Agents;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// Everything that decides the numbers of one run of an agent experiment (the seed is in the options). Stored with the
/// run, so that later code can tell whether the run still stands for its settings: read back, a setting added since
/// takes its default, which is how the library adds settings.
/// </summary>
/// <param name="Track">The track: its stages, environments and steps.</param>
/// <param name="Options">The agent's options for the run, threads left out (they decide speed, not numbers).</param>
/// <param name="Data">The images, for a track on image environments; otherwise null.</param>
public sealed record AgentRunSettings(AgentTrackSpec Track, AgentOptions Options, DataSpec? Data);
