using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Plasticity.ML.Analyzers;

namespace Plasticity.ML.Tests.Analyzers;

[TestClass]
public sealed class UnscopedTemporaryTensorAnalyzerTests
{
    [TestMethod]
    public void AChainedTemporaryOutsideAScopeIsReported()
    {
        var found = Analyze("Tensor F(Tensor x) => x.detach().clone();");
        Assert.AreEqual(1, found.Length);
        Assert.AreEqual("PML0001", found[0].Id);
        StringAssert.Contains(found[0].GetMessage(), "'x.detach()' is used by 'clone'");
    }

    [TestMethod]
    public void ATemporaryArgumentOrOperandOfATorchSharpCallIsReported()
    {
        var found = Analyze("""
            Tensor F(Tensor x, Tensor y) => x.matmul(y.t());
            Tensor G(Tensor x, Tensor y) => x * y.abs();
            """);
        CollectionAssert.AreEquivalent(new[] { "'y.t()' is used by 'matmul'", "'y.abs()' is used by '*'" },
            found.Select(d => d.GetMessage().Split(" outside")[0].Replace("The temporary tensor ", "")).ToArray());
    }

    [TestMethod]
    public void HeldTensorsScopesAndInPlaceChainsOnHeldTensorsAreNotReported()
    {
        var found = Analyze("""
            Tensor Held(Tensor x) { using var d = x.detach(); return d.clone(); }
            Tensor Scoped(Tensor x) { using var scope = NewDisposeScope(); return x.detach().clone().MoveToOuterDisposeScope(); }
            void InPlace(Tensor m, Tensor g, Scalar s) => m.mul_(s).add_(g, s);
            Tensor Detached() => empty(3).DetachFromDisposeScope();
            void Disposed(Tensor x) => x.abs().Dispose();
            """);
        Assert.AreEqual(0, found.Length, string.Join("; ", found.Select(d => d.GetMessage())));
    }

    [TestMethod]
    public void AnInPlaceCallOnATemporaryIsStillATemporary()
    {
        var found = Analyze("Tensor F(Tensor x, Scalar s) => x.abs().mul_(s).sum();");
        Assert.AreEqual(2, found.Length);
        StringAssert.Contains(found[0].GetMessage(), "'x.abs()' is used by 'mul_'");
        StringAssert.Contains(found[1].GetMessage(), "'x.abs().mul_(s)' is used by 'sum'");
    }

    [TestMethod]
    public void ALocalIsNotChecked()
    {
        // Documented limit: a local's last use can be a native call too, which the rule leaves to 'using'.
        var found = Analyze("Tensor F(Tensor t) { var detached = t.detach(); return detached.clone(); }");
        Assert.AreEqual(0, found.Length);
    }

    private static Diagnostic[] Analyze(string members)
    {
        string source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            public sealed class Sample
            {
            {{members}}
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(TorchSharp.torch).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("sample", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.AreEqual(0, errors.Length, string.Join("; ", errors.Select(e => e.ToString())));
        return compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new UnscopedTemporaryTensorAnalyzer()))
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult().OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Location.SourceSpan.Length).ToArray();
    }
}
