namespace Plasticity.ML.Orleans.Local;

/// <summary>A silo process of a <see cref="LocalTrialCluster"/>.</summary>
/// <param name="Index">0 for the primary silo (it keeps the membership of localhost clustering), 1, 2, ... for the others.</param>
/// <param name="ProcessId">The silo's process id.</param>
/// <param name="SiloPort">Its silo-to-silo port (loopback).</param>
/// <param name="GatewayPort">Its gateway port (loopback).</param>
public sealed record LocalSilo(int Index, int ProcessId, int SiloPort, int GatewayPort);
