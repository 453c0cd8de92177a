namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// The Arcade Learning Environment cannot be used because our native shim (<c>libale_c.so</c>, which contains ALE)
/// is missing, cannot be loaded, or is not the shim this library expects. The message says where it was looked
/// for and exactly how to build it.
/// </summary>
public sealed class AleNotAvailableException : Exception
{
    /// <summary>Creates the exception with its full message.</summary>
    /// <param name="message">What is missing and how to build it.</param>
    /// <param name="inner">The loader's own error, if any.</param>
    public AleNotAvailableException(string message, Exception? inner = null) : base(message, inner) { }
}
