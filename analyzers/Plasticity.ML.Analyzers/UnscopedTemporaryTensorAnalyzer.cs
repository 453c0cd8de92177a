using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Plasticity.ML.Analyzers;

/// <summary>
/// PML0001: a temporary TorchSharp tensor is used by a call outside a dispose scope.
/// </summary>
/// <remarks>
/// <para>
/// In <c>x.detach().clone()</c> the tensor that <c>detach()</c> returns is referenced by nothing once <c>clone</c> has
/// read its handle. TorchSharp does not keep it alive during the native call, so a garbage collection on another
/// thread can run its finalizer and free the native tensor while libtorch is still reading it: a crash or a corrupted
/// native heap, rarely and far from the cause (seen in this repository as "creation_meta can only exist for backward
/// views", a SIGSEGV in <c>at::native::view</c>, and "malloc(): unsorted double linked list corrupted"). A temporary
/// passed as an argument has the same hazard: the callee reads its handle, then nothing holds it.
/// </para>
/// <para>
/// The rule: a temporary tensor (the result of a call or an operator, or of a TorchSharp property that makes a new
/// wrapper, such as <c>grad</c>) is the receiver of a member, or an argument or operand of a TorchSharp method or
/// operator, in a method that has not opened a <c>NewDisposeScope</c> before that point (a scope holds every tensor
/// made in it). Hold the intermediate in a <c>using var</c> instead, or open a scope. TorchSharp's in-place methods
/// (<c>mul_</c>) return their receiver, so <c>m.mul_(b).add_(g)</c> on a held <c>m</c> is fine.
/// <c>DetachFromDisposeScope</c>, <c>MoveToOuterDisposeScope</c> and <c>Dispose</c> make no native call on a live
/// handle. The check is lexical: a helper called only from inside a caller's scope is safe at run time but still
/// reported; make it safe on its own. A local that is not disposed is not checked (its last use can be a native call
/// too: hold tensors with <c>using</c>).
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnscopedTemporaryTensorAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic's id.</summary>
    public const string DiagnosticId = "PML0001";

    private static readonly DiagnosticDescriptor Rule = new(
        DiagnosticId,
        "A temporary tensor is used outside a dispose scope",
        "The temporary tensor '{0}' is used by '{1}' outside a dispose scope; its finalizer can free it while libtorch reads it: hold it in a 'using var' or open a NewDisposeScope",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TorchSharp does not keep a tensor alive while a native call reads it; an unreferenced intermediate can be finalized mid-call.");

    // Members that make no native call on the receiver's handle, or keep it alive themselves.
    private static readonly ImmutableHashSet<string> SafeMembers = ImmutableHashSet.Create(
        "DetachFromDisposeScope", "MoveToOuterDisposeScope", "Dispose", "GetType");

    // TorchSharp properties that return a tensor the module holds (not a new wrapper).
    private static readonly ImmutableHashSet<string> StoredProperties = ImmutableHashSet.Create(
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var tensor = start.Compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor");
            if (tensor is null) return;
            start.RegisterSyntaxNodeAction(c => AnalyzeReceiver(c, tensor), SyntaxKind.SimpleMemberAccessExpression);
            start.RegisterSyntaxNodeAction(c => AnalyzeArguments(c, tensor), SyntaxKind.InvocationExpression);
            start.RegisterSyntaxNodeAction(c => AnalyzeOperands(c, tensor),
                SyntaxKind.AddExpression, SyntaxKind.SubtractExpression, SyntaxKind.MultiplyExpression, SyntaxKind.DivideExpression,
                SyntaxKind.ModuloExpression, SyntaxKind.BitwiseAndExpression, SyntaxKind.BitwiseOrExpression, SyntaxKind.ExclusiveOrExpression);
        });
    }

    // x.Member where x is a temporary: the member's native call reads x's handle after x's last reference.
    private static void AnalyzeReceiver(SyntaxNodeAnalysisContext context, INamedTypeSymbol tensor)
    {
        var access = (MemberAccessExpressionSyntax)context.Node;
        if (SafeMembers.Contains(access.Name.Identifier.ValueText)) return;
        if (!IsTemporary(access.Expression, context.SemanticModel, tensor, context.CancellationToken)) return;
        Report(context, access.Expression, access.Name.Identifier.ValueText);
    }

    // f(..., temporary, ...) for a TorchSharp method f: the call reads the argument's handle after its last reference.
    private static void AnalyzeArguments(SyntaxNodeAnalysisContext context, INamedTypeSymbol tensor)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (invocation.ArgumentList.Arguments.Count == 0) return;
        var method = context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken).Symbol as IMethodSymbol;
        if (!IsTorchSharp(method)) return;
        foreach (var argument in invocation.ArgumentList.Arguments)
            if (IsTemporary(argument.Expression, context.SemanticModel, tensor, context.CancellationToken))
                Report(context, argument.Expression, method!.Name);
    }

    // a * temporary with TorchSharp's operator: the same, for an operand.
    private static void AnalyzeOperands(SyntaxNodeAnalysisContext context, INamedTypeSymbol tensor)
    {
        var binary = (BinaryExpressionSyntax)context.Node;
        var method = context.SemanticModel.GetSymbolInfo(binary, context.CancellationToken).Symbol as IMethodSymbol;
        if (!IsTorchSharp(method)) return;
        foreach (var operand in new[] { binary.Left, binary.Right })
            if (IsTemporary(operand, context.SemanticModel, tensor, context.CancellationToken))
                Report(context, operand, binary.OperatorToken.ValueText);
    }

    private static void Report(SyntaxNodeAnalysisContext context, ExpressionSyntax temporary, string user)
    {
        if (InsideScope(temporary)) return;
        var text = temporary.ToString();
        if (text.Length > 80) text = text.Substring(0, 77) + "...";
        context.ReportDiagnostic(Diagnostic.Create(Rule, temporary.GetLocation(), text, user));
    }

    private static bool IsTorchSharp(IMethodSymbol? method) =>
        method is not null && method.ContainingAssembly?.Name == "TorchSharp";

    /// <summary>
    /// True when <paramref name="expression"/> is a tensor that nothing else references: the result of a call or an
    /// operator, or of a TorchSharp property that makes a new wrapper (such as <c>grad</c>). An in-place method
    /// (<c>mul_</c>) returns its receiver, so it is a temporary only if its receiver is one.
    /// </summary>
    private static bool IsTemporary(ExpressionSyntax expression, SemanticModel model, INamedTypeSymbol tensor, System.Threading.CancellationToken cancellation)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized) expression = parenthesized.Expression;
        switch (expression)
        {
            case InvocationExpressionSyntax invocation:
                if (!IsTensor(model.GetTypeInfo(invocation, cancellation).Type, tensor)) return false;
                if (invocation.Expression is MemberAccessExpressionSyntax callee
                    && model.GetSymbolInfo(invocation, cancellation).Symbol is IMethodSymbol method
                    && ((IsTorchSharp(method) && method.Name.EndsWith("_", System.StringComparison.Ordinal)) || SafeMembers.Contains(method.Name)))
                    return IsTemporary(callee.Expression, model, tensor, cancellation);
                return true;
            case BinaryExpressionSyntax or PrefixUnaryExpressionSyntax:
                return IsTensor(model.GetTypeInfo(expression, cancellation).Type, tensor)
                    && IsTorchSharp(model.GetSymbolInfo(expression, cancellation).Symbol as IMethodSymbol);
            case MemberAccessExpressionSyntax member:
                return IsTensor(model.GetTypeInfo(member, cancellation).Type, tensor)
                    && model.GetSymbolInfo(member, cancellation).Symbol is IPropertySymbol property
                    && property.ContainingAssembly?.Name == "TorchSharp" && !StoredProperties.Contains(property.Name);
            case ConditionalExpressionSyntax conditional:
                return IsTemporary(conditional.WhenTrue, model, tensor, cancellation) || IsTemporary(conditional.WhenFalse, model, tensor, cancellation);
            default:
                return false;
        }
    }

    private static bool IsTensor(ITypeSymbol? type, INamedTypeSymbol tensor)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t, tensor)) return true;
        return false;
    }

    /// <summary>True when the member (method, accessor, constructor; for a lambda or local function, the member around
    /// it) calls <c>NewDisposeScope</c> before <paramref name="node"/>.</summary>
    private static bool InsideScope(SyntaxNode node)
    {
        var member = node.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax);
        if (member is null) return false;
        return member.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i =>
            i.SpanStart < node.SpanStart && i.Expression switch
            {
                IdentifierNameSyntax name => name.Identifier.ValueText == "NewDisposeScope",
                MemberAccessExpressionSyntax memberAccess => memberAccess.Name.Identifier.ValueText == "NewDisposeScope",
                _ => false,
            });
    }
}
