using System.Collections;
using Microsoft.Build.Framework;

namespace Plasticity.ML.Tests.Platform;

/// <summary>The smallest MSBuild engine a task can log to outside a build; it keeps what was logged.</summary>
internal sealed class RecordingBuildEngine : IBuildEngine
{
    public List<string> Messages { get; } = [];

    public List<string> Warnings { get; } = [];

    public List<string> Errors { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "test.proj";

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Add(e.Message ?? "");

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Add(e.Message ?? "");

    public void LogCustomEvent(CustomBuildEventArgs e) => Messages.Add(e.Message ?? "");

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("The libstdc++ task builds no projects.");
}
