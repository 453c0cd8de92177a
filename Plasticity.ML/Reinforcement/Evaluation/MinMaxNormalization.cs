namespace Plasticity.ML.Reinforcement.Evaluation;

/// <summary>
/// Min-max normalization of one game's returns: <c>(return - Minimum) / (Maximum - Minimum)</c>, so 0 is the random
/// policy's return and 1 a reference return. MinAtar has no human scores, so rliable's human normalization becomes this,
/// with the random policy as the minimum and, as the maximum, a stated reference such as the MinAtar paper's DQN return
/// at 5M frames (see <see cref="MinAtarReference"/>).
/// </summary>
/// <param name="Game">The game.</param>
/// <param name="Minimum">The return that maps to 0 (the random policy's).</param>
/// <param name="Maximum">The return that maps to 1 (the stated reference).</param>
/// <param name="MaximumSource">Where <paramref name="Maximum"/> comes from, for reports.</param>
public sealed record MinMaxNormalization(string Game, double Minimum, double Maximum, string MaximumSource)
{
    /// <summary>The normalized score of <paramref name="value"/>.</summary>
    /// <exception cref="InvalidOperationException">The maximum does not exceed the minimum.</exception>
    public double Normalize(double value)
    {
        if (!(Maximum > Minimum))
            throw new InvalidOperationException($"{Game}: the normalization's maximum ({Maximum}) must exceed its minimum ({Minimum}).");
        return (value - Minimum) / (Maximum - Minimum);
    }
}
