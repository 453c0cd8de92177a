using Plasticity.ML.Experiments.Agents;
using Spectre.Console;

namespace Plasticity.Lab.Catalog;

/// <summary>What an agent experiment runs with: its final spec, where outputs go, the console, and cancellation.</summary>
public sealed class AgentLabContext(AgentExperimentSpec spec, string outputFolder, LabPreset preset, string presetLabel, IAnsiConsole console, bool fresh, CancellationToken cancellationToken)
    : LabContext<AgentExperimentSpec>(spec, outputFolder, preset, presetLabel, console, fresh, cancellationToken);
