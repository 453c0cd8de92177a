using System.Collections.Concurrent;

namespace Plasticity.ML.Search.Trials;

/// <summary>Names learner factory types in trial specs and creates them from those names.</summary>
public static class LearnerTypes
{
    private static readonly ConcurrentDictionary<string, IWindowLearnerFactory> Factories = new(StringComparer.Ordinal);

    /// <summary>The name a trial spec uses for <paramref name="factoryType"/>: "Namespace.Type, Assembly".</summary>
    public static string NameOf(Type factoryType)
    {
        ArgumentNullException.ThrowIfNull(factoryType);
        Check(factoryType, factoryType.FullName ?? factoryType.Name);
        return $"{factoryType.FullName}, {factoryType.Assembly.GetName().Name}";
    }

    /// <summary>The name a trial spec uses for <typeparamref name="TFactory"/>.</summary>
    public static string NameOf<TFactory>() where TFactory : IWindowLearnerFactory, new() => NameOf(typeof(TFactory));

    /// <summary>
    /// The factory named <paramref name="name"/> (created once per process). Throws <see cref="ArgumentException"/>
    /// when the type cannot be loaded here (its assembly must be part of the application that runs the trial), does not
    /// implement <see cref="IWindowLearnerFactory"/> or has no public parameterless constructor.
    /// </summary>
    public static IWindowLearnerFactory Resolve(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Factories.GetOrAdd(name, static n =>
        {
            Type? type;
            try
            {
                type = Type.GetType(n, throwOnError: false);
            }
            catch (Exception e) when (e is FileLoadException or BadImageFormatException or ArgumentException)
            {
                throw new ArgumentException($"The learner type \"{n}\" cannot be loaded in this process: {e.Message}", e);
            }
            if (type is null)
                throw new ArgumentException($"The learner type \"{n}\" cannot be found in this process; the application that runs trials must include its assembly.");
            Check(type, n);
            return (IWindowLearnerFactory)Activator.CreateInstance(type)!;
        });
    }

    private static void Check(Type type, string name)
    {
        if (!typeof(IWindowLearnerFactory).IsAssignableFrom(type) || type.IsAbstract)
            throw new ArgumentException($"The learner type \"{name}\" is not a concrete {nameof(IWindowLearnerFactory)}.");
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new ArgumentException($"The learner type \"{name}\" needs a public parameterless constructor (every worker creates one).");
    }
}
