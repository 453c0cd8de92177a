using System.Runtime.CompilerServices;

[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices;

/// <summary>
/// Tells CoreCLR to skip access checks from this assembly into the named one. The runtime honours the attribute by
/// name; the compiler never sees it (the library compiles against publicized reference copies, see the project
/// file). Used only for ML.NET's model save/load plumbing, which ML.NET 5.0.1 keeps internal.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The assembly whose internals this assembly may use.</summary>
    public string AssemblyName { get; } = assemblyName;
}
