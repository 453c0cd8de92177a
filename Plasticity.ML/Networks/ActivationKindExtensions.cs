namespace Plasticity.ML.Networks;

/// <summary>Facts about activations that the network's shape depends on.</summary>
public static class ActivationKindExtensions
{
    /// <summary>
    /// How many outputs one unit emits: 2 for <see cref="ActivationKind.CReLU"/> and <see cref="ActivationKind.Fourier"/>
    /// (the two halves are concatenated along the unit dimension: outputs <c>[0, units)</c> are the first kind,
    /// <c>[units, 2 units)</c> the second, so output <c>k</c> belongs to unit <c>k mod units</c>), 1 otherwise.
    /// </summary>
    public static int OutputsPerUnit(this ActivationKind activation) => activation switch
    {
        ActivationKind.CReLU or ActivationKind.Fourier => 2,
        _ => 1,
    };
}
