using Plasticity.ML.Orleans.Messages;
using Plasticity.ML.Orleans.Silo;

namespace Plasticity.ML.Orleans.Grains;

/// <summary>Answers for the silo it runs on (see <see cref="ITrialSiloGrain"/>).</summary>
internal sealed class TrialSiloGrain(TrialSiloService service) : Grain, ITrialSiloGrain
{
    public Task<TrialSiloInfo> GetInfoAsync() => Task.FromResult(service.Info);
}
