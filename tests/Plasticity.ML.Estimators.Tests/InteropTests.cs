using System.Reflection;
using System.Reflection.Emit;
using Plasticity.ML.Estimators.Internal;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// Every ML.NET internal the library uses goes through Internal/MLNetInterop.cs (checked on the compiled IL, since the
/// library compiles against publicized ML.NET and the compiler cannot tell), and a different ML.NET that lacks one of
/// them gets a clear error.
/// </summary>
[TestClass]
public sealed class InteropTests
{
    /// <summary>The types declared in Internal/MLNetInterop.cs: the only ones allowed to touch ML.NET internals.</summary>
    private static readonly HashSet<Type> Facade = [typeof(MLNetInterop), typeof(PlasticBinaryPredictor)];

    [TestMethod]
    public void OnlyTheInteropFileUsesMLNetInternals()
    {
        var assembly = typeof(MLNetInterop).Assembly;
        var violations = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            bool allowed = IsFacade(type);
            foreach (var iface in type.GetInterfaces().Where(i => IsMLNetInternal(i)))
            {
                // The transformer's part in the interop file declares ML.NET's internal non-generic interface.
                bool declaredInFacade = type == typeof(PlasticNeuralNetworkTransformer) && iface.Name == "ISingleFeaturePredictionTransformer";
                if (!allowed && !declaredInFacade) violations.Add($"{type.FullName} implements {iface.FullName}");
            }
            if (allowed) continue;
            const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(Declared).Where(f => IsMLNetInternal(f.FieldType)))
                violations.Add($"{type.FullName}.{field.Name} has type {field.FieldType}");
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                foreach (var parameter in method.GetParameters().Where(p => IsMLNetInternal(p.ParameterType)))
                    violations.Add($"{type.FullName}.{method.Name} takes {parameter.ParameterType}");
                foreach (var member in ReferencedMembers(method).Where(m => IsMLNetInternal(m, type)))
                    violations.Add($"{type.FullName}.{method.Name} uses {member.DeclaringType?.FullName}.{member.Name}");
            }
        }
        // The LoadableClass attributes (an internal attribute type) are declared in the interop file.
        foreach (var attribute in assembly.GetCustomAttributesData().Where(a => IsMLNetInternal(a.AttributeType)))
        {
            var loader = attribute.ConstructorArguments.Select(a => a.Value).OfType<Type>().Skip(1).FirstOrDefault();
            if (loader?.DeclaringType != typeof(MLNetInterop)) violations.Add($"assembly attribute {attribute.AttributeType.Name} with loader {loader}");
        }
        Assert.IsEmpty(violations, "ML.NET internals used outside Internal/MLNetInterop.cs:\n" + string.Join("\n", violations.Distinct()));
    }

    [TestMethod]
    public void TheInteropListsEveryInternalItUsesAndTheyExistInTheLoadedMLNet()
    {
        Assert.IsEmpty(MLNetInterop.FindMissing(MLNetInterop.RequiredInternals));
        var version = MLNetInterop.LoadedVersion();
        Assert.IsNotNull(version);
        Assert.AreEqual(new Version(5, 0, 1), version, "the tests run against the pinned ML.NET");
    }

    [TestMethod]
    public void AnMLNetWithoutAnInternalGetsAClearError()
    {
        var missing = MLNetInterop.FindMissing([
            ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "SetVersionInfo"),
            ("Microsoft.ML.Core", "Microsoft.ML.ModelSaveContext", "WriteEverythingFor2027"),
            ("Microsoft.ML.Core", "Microsoft.ML.NoSuchType", null),
        ]);
        CollectionAssert.AreEqual(new[] { "Microsoft.ML.ModelSaveContext.WriteEverythingFor2027", "Microsoft.ML.NoSuchType" }, missing);
        var e = MLNetInterop.Incompatible(new Version(5, 2, 0), missing);
        Assert.AreEqual(
            "Plasticity.ML.Estimators supports Microsoft.ML [5.0.1, 5.1), but this process loaded Microsoft.ML 5.2.0, which lacks " +
            "Microsoft.ML.ModelSaveContext.WriteEverythingFor2027, Microsoft.ML.NoSuchType. The plastic trainers use these ML.NET " +
            "internals for training, model save/load and one-versus-all; reference a Microsoft.ML version in [5.0.1, 5.1), or a " +
            "Plasticity.ML.Estimators release built for your ML.NET.", e.Message);
    }

    private static bool IsFacade(Type type)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
            if (Facade.Contains(t)) return true;
        return false;
    }

    private static bool IsMLNetAssembly(Assembly assembly) => assembly.GetName().Name?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true;

    /// <summary>Whether <paramref name="type"/> (or a type it is built from) is an ML.NET type outsiders cannot see.</summary>
    private static bool IsMLNetInternal(Type type)
    {
        if (type.HasElementType) return IsMLNetInternal(type.GetElementType()!);
        if (type.IsGenericParameter) return false;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            return IsMLNetInternal(type.GetGenericTypeDefinition()) || type.GetGenericArguments().Any(IsMLNetInternal);
        return IsMLNetAssembly(type.Assembly) && !type.IsVisible;
    }

    /// <summary>Whether a member used from <paramref name="user"/> is an ML.NET internal (protected members of base classes are fine).</summary>
    private static bool IsMLNetInternal(MemberInfo member, Type user)
    {
        if (member is Type type) return IsMLNetInternal(type);
        var declaring = member.DeclaringType;
        if (declaring is null || !IsMLNetAssembly(declaring.Assembly)) return false;
        if (IsMLNetInternal(declaring)) return true;
        bool isPublic = member switch
        {
            MethodBase m => m.IsPublic || ((m.IsFamily || m.IsFamilyOrAssembly) && user.IsSubclassOf(declaring)),
            FieldInfo f => f.IsPublic || ((f.IsFamily || f.IsFamilyOrAssembly) && user.IsSubclassOf(declaring)),
            _ => true,
        };
        if (!isPublic) return true;
        return member is MethodInfo { IsGenericMethod: true } generic && generic.GetGenericArguments().Any(IsMLNetInternal);
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The methods, fields and types a method body references (call, newobj, ldfld, ldtoken, castclass, ...).</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (InvalidOperationException)
        {
            yield break;
        }
        if (il is null) yield break;
        var module = method.Module;
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                    }
                    if (member is not null) yield return member;
                    i += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }
}
