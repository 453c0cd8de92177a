// Compiled by MSBuild's RoslynCodeTaskFactory at build time (see Plasticity.ML.Estimators.csproj); not part of the library.
// ML.NET 5.0.1 keeps the members a third-party transformer needs for mlContext.Model.Save/Load internal
// ([BestFriend]); this task writes reference copies of chosen assemblies with every type and member public, so
// the library can compile against them. At run time the real assemblies load and [IgnoresAccessChecksTo] lets
// CoreCLR skip the access checks.
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PlasticityPublicizeAssemblies : Task
{
    [Required] public ITaskItem[] Assemblies { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string OutputDirectory { get; set; } = "";
    [Required] public string CecilPath { get; set; } = "";
    [Output] public ITaskItem[] Publicized { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        // MSBuild does not know where Mono.Cecil lives; resolve it from the NuGet package before any Cecil type is touched.
        ResolveEventHandler resolve = (_, args) =>
            new AssemblyName(args.Name).Name == "Mono.Cecil" ? Assembly.LoadFrom(CecilPath) : null;
        AppDomain.CurrentDomain.AssemblyResolve += resolve;
        try
        {
            Directory.CreateDirectory(OutputDirectory);
            Publicized = Assemblies.Select(PublicizeOne).ToArray();
            return !Log.HasLoggedErrors;
        }
        finally
        {
            AppDomain.CurrentDomain.AssemblyResolve -= resolve;
        }
    }

    private ITaskItem PublicizeOne(ITaskItem item)
    {
        string source = item.ItemSpec;
        string target = Path.Combine(OutputDirectory, Path.GetFileName(source));
        if (!File.Exists(target) || File.GetLastWriteTimeUtc(target) < File.GetLastWriteTimeUtc(source))
        {
            Log.LogMessage(MessageImportance.Normal, $"Publicizing {source} -> {target}");
            CecilPublicizer.Publicize(source, target);
        }
        var result = new TaskItem(target);
        item.CopyMetadataTo(result);
        return result;
    }
}

internal static class CecilPublicizer
{
    public static void Publicize(string source, string target)
    {
        var resolver = new Mono.Cecil.DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(source));
        using var assembly = Mono.Cecil.AssemblyDefinition.ReadAssembly(source, new Mono.Cecil.ReaderParameters { AssemblyResolver = resolver });
        foreach (var type in assembly.MainModule.GetTypes())
        {
            if (type.IsNested) type.IsNestedPublic = true;
            else type.IsPublic = true;
            foreach (var method in type.Methods) method.IsPublic = true;
            // A field that shares its name with an event or property (field-like events) would make the name ambiguous.
            var taken = new System.Collections.Generic.HashSet<string>(type.Properties.Select(p => p.Name).Concat(type.Events.Select(e => e.Name)));
            foreach (var field in type.Fields)
                if (!taken.Contains(field.Name)) field.IsPublic = true;
        }
        string temp = target + ".tmp";
        assembly.Write(temp);
        if (File.Exists(target)) File.Delete(target);
        File.Move(temp, target);
    }
}
