using System.Text.Json.Serialization;

namespace Plasticity.ML.Reinforcement.Replay;

/// <summary>How a replay buffer stores observations.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ObservationStorage>))]
public enum ObservationStorage
{
    /// <summary><see cref="Bits"/> for boolean grids (<see cref="Environments.EnvironmentSpec.ObservationMaximum"/> = 1), else <see cref="Bytes"/>.</summary>
    Auto,

    /// <summary>One byte per observation element.</summary>
    Bytes,

    /// <summary>One bit per element (8 elements per byte); only for observations whose bytes are 0 or 1.</summary>
    Bits,
}

/// <summary>
/// Settings of a replay buffer: its capacity, how observations are stored, and optional prioritized replay (Schaul et
/// al. 2016). Serializable, like every option of Plasticity.ML.
/// </summary>
public sealed record ReplayOptions
{
    /// <summary>Observations kept (one slot per environment step, plus one per episode for its final observation); the
    /// oldest is overwritten when full. MinAtar's reference DQN keeps 100,000.</summary>
    public int Capacity { get; init; } = 100_000;

    /// <summary>How observations are stored.</summary>
    public ObservationStorage Storage { get; init; } = ObservationStorage.Auto;

    /// <summary>Sample transitions in proportion to their priority (TD error) instead of uniformly.</summary>
    public bool Prioritized { get; init; }

    /// <summary>Prioritized replay's exponent alpha: a transition's priority is <c>(error + epsilon)^alpha</c>.</summary>
    public double PriorityExponent { get; init; } = 0.5;

    /// <summary>Prioritized replay's importance-sampling exponent beta: weights <c>(N P(i))^-beta</c>, normalized by
    /// the largest weight of the batch (Dopamine keeps beta = 0.5 fixed).</summary>
    public double ImportanceExponent { get; init; } = 0.5;

    /// <summary>Prioritized replay's epsilon added to every error so that no transition gets probability 0.</summary>
    public double PriorityEpsilon { get; init; } = 1e-6;

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Capacity < 2) throw new ArgumentException($"Replay {nameof(Capacity)} must be at least 2; got {Capacity}.");
        if (!Enum.IsDefined(Storage)) throw new ArgumentException($"Unknown replay {nameof(Storage)} {Storage}.");
        if (!(PriorityExponent >= 0) || !double.IsFinite(PriorityExponent))
            throw new ArgumentException($"Replay {nameof(PriorityExponent)} must be finite and non-negative; got {PriorityExponent}.");
        if (!(ImportanceExponent >= 0) || !double.IsFinite(ImportanceExponent))
            throw new ArgumentException($"Replay {nameof(ImportanceExponent)} must be finite and non-negative; got {ImportanceExponent}.");
        if (!(PriorityEpsilon > 0) || !double.IsFinite(PriorityEpsilon))
            throw new ArgumentException($"Replay {nameof(PriorityEpsilon)} must be positive and finite; got {PriorityEpsilon}.");
    }
}
