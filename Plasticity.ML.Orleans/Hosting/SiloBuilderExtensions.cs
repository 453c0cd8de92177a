using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

using Plasticity.ML.Orleans.Silo;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>Makes a silo run search trials.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Registers the trial grains' service on this silo: it then offers <see cref="TrialSiloOptions.Slots"/> trials at once
    /// to every search that connects with an <see cref="Runner.OrleansTrialRunner"/>. Add it to every silo that should run
    /// trials (<see cref="TrialSilo"/> does).
    /// </summary>
    /// <param name="builder">The silo.</param>
    /// <param name="options">How it runs trials (default: one per core, each in a worker process of the silo's program).</param>
    public static ISiloBuilder AddPlasticityTrials(this ISiloBuilder builder, TrialSiloOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var trials = options ?? new TrialSiloOptions();
        trials.Validate();
        // The grains and messages of this assembly, whichever program hosts the silo (its entry assembly may not list them).
        builder.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(SiloBuilderExtensions).Assembly));
        builder.Services.AddSingleton(trials);
        builder.Services.AddSingleton<TrialSiloService>();
        return builder;
    }
}
