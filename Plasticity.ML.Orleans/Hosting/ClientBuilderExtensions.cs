using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Plasticity.ML.Orleans.Hosting;

/// <summary>Makes an Orleans client able to run search trials on the cluster.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Registers this library's grain interfaces and messages with the client (needed when the client's program does not
    /// list them itself, such as a test host); then <see cref="Runner.OrleansTrialRunner.ConnectAsync"/> works over it.
    /// <see cref="TrialClusterConnection"/> does this.
    /// </summary>
    public static IClientBuilder AddPlasticityTrialClient(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(ClientBuilderExtensions).Assembly));
        return builder;
    }
}
