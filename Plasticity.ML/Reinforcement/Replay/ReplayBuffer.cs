using System.Runtime.InteropServices;
using Plasticity.ML.Common;
using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;
using static TorchSharp.torch;

namespace Plasticity.ML.Reinforcement.Replay;

/// <summary>
/// A circular replay buffer of an agent's experience that stores every observation once, as bytes or packed bits,
/// and serves mini-batches of n-step transitions, uniformly or by priority.
/// </summary>
/// <remarks>
/// <para>Layout. The buffer is a stream of slots in the order experience arrives. A slot holds one observation and,
/// once the agent has acted on it, the action, the reward and whether the episode ended there; the next slot holds the
/// next observation. An episode's final observation gets a slot of its own (nothing starts from it), so each
/// observation is stored once, not twice per transition: a 1M-slot MinAtar buffer with 10 channels of 10 x 10 booleans
/// takes 125 bytes per observation plus 6 bytes of transition data, about 131 MB.</para>
/// <para>n-step returns are computed when sampling: from slot t, <c>G = sum_k gamma^k r_(t+k)</c> over
/// <c>m = min(n, steps to the episode's end)</c> rewards, with next observation <c>o_(t+m)</c> and discount
/// <c>gamma^m</c>, or 0 when the episode terminated within the m steps. A truncated episode (time limit) bootstraps from
/// its final observation. A transition is sampled only once its whole window has arrived, so returns never reach into
/// the next episode, past the newest slot, or across the wrap-around of the ring.</para>
/// <para>Frame stacks. For an environment whose observations are stacks of its last k frames
/// (<see cref="EnvironmentSpec.StackedFrames"/>, ALE's 4), a slot holds only the newest frame and an observation is
/// assembled from its slot and the k - 1 before it in the same episode (the episode's first frame standing in for frames
/// before its start, as the environment's own stack does): a quarter of the memory for ALE's stack of 4. Each stored
/// observation is checked against the frames it shares with the one before, so an environment that does not stack
/// that way is refused rather than replayed wrongly. Once the ring wraps, the oldest k - 1 slots may have lost earlier
/// frames; nothing is sampled from them.</para>
/// <para>Size. Observations are kept in arrays of at most a gigabyte each, so a buffer can exceed what one .NET array
/// holds: 1M slots of ALE's 84 x 84 frames take 7.1 GB. An agent's checkpoints stream them to disk without copying them,
/// and its resume takes over the arrays read from the checkpoint rather than copying them, so neither holds them twice.</para>
/// <para>As an <see cref="IObservationSource"/> it offers every stored observation, so ReDo, the probe and the
/// statistics panel measure on observations from replay.</para>
/// </remarks>
public sealed class ReplayBuffer : IObservationSource
{
    private const byte HasTransition = 1;
    private const byte Terminated = 2;
    private const byte EpisodeEnd = 4;
    private const int MaximumAttempts = 10_000;

    private readonly ObservationStore observations;
    private readonly int observationSize;
    private readonly int stackedFrames;
    private readonly int frameSize;
    /// <summary>Per slot, how many earlier frames of its episode its stack holds (at most k - 1); null without stacks.</summary>
    private readonly byte[]? frameDepths;
    private readonly byte[]? frameScratch;
    private readonly byte[] actions;
    private readonly float[] rewards;
    private readonly byte[] flags;
    private readonly SumTree? priorities;
    private readonly double[] discountPowers;
    private readonly int[] observationShape;
    private int head;
    private int count;
    private int transitions;
    private long written;
    private bool episodeOpen;
    private double maxPriority = 1.0;
    private ReplayBatch? verifiedBatch;

    /// <summary>Creates an empty buffer for observations of <paramref name="environment"/>.</summary>
    /// <param name="environment">The observation shape, maximum and action count of the environment.</param>
    /// <param name="options">Capacity, storage and prioritization.</param>
    /// <param name="steps">n of the n-step returns (1 for one-step TD targets).</param>
    /// <param name="gamma">The discount in [0, 1].</param>
    /// <exception cref="ArgumentException">Bad options, n below 1, gamma outside [0, 1], more than 256 actions, bit
    /// storage requested for observations whose maximum is not 1, or frame stacks that do not divide the channels or
    /// do not fit the capacity.</exception>
    public ReplayBuffer(EnvironmentSpec environment, ReplayOptions options, int steps, double gamma)
        : this(environment, options, steps, gamma, ObservationStore.DefaultSegmentBytes)
    {
    }

    /// <summary>Creates an empty buffer whose observations are kept in arrays of at most <paramref name="segmentBytes"/>
    /// (tests use small ones to cross segment boundaries).</summary>
    internal ReplayBuffer(EnvironmentSpec environment, ReplayOptions options, int steps, double gamma, long segmentBytes)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The n of n-step returns must be at least 1.");
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "The discount gamma must lie in [0, 1].");
        if (environment.ActionCount is < 1 or > 256)
            throw new ArgumentException($"The replay stores actions as bytes: 1 to 256 actions; the environment has {environment.ActionCount}.", nameof(environment));
        Options = options;
        Steps = steps;
        Gamma = gamma;
        observationShape = environment.ObservationShape.ToArray();
        bool bits = options.Storage switch
        {
            ObservationStorage.Bits => true,
            ObservationStorage.Bytes => false,
            _ => environment.ObservationMaximum == 1,
        };
        if (bits && environment.ObservationMaximum != 1)
            throw new ArgumentException($"Replay storage {ObservationStorage.Bits} needs observations of 0 and 1, but {environment.Name}'s maximum is {environment.ObservationMaximum}.", nameof(options));
        observationSize = environment.ObservationSize;
        stackedFrames = environment.StackedFrames;
        if (stackedFrames < 1 || stackedFrames > 255 || observationShape.Length == 0 || observationShape[0] % stackedFrames != 0)
            throw new ArgumentException($"{environment.Name} stacks {stackedFrames} frames, which must be 1 to 255 and divide its {(observationShape.Length == 0 ? 0 : observationShape[0])} channels.", nameof(environment));
        if (options.Capacity <= stackedFrames)
            throw new ArgumentException($"Replay {nameof(ReplayOptions.Capacity)} {options.Capacity} must exceed the {stackedFrames} frames {environment.Name} stacks.", nameof(options));
        frameSize = observationSize / stackedFrames;
        if (stackedFrames > 1)
        {
            frameDepths = new byte[options.Capacity];
            frameScratch = new byte[frameSize];
        }
        observations = new ObservationStore(options.Capacity, frameSize, bits, environment.ObservationMaximum, segmentBytes);
        actions = new byte[options.Capacity];
        rewards = new float[options.Capacity];
        flags = new byte[options.Capacity];
        priorities = options.Prioritized ? new SumTree(options.Capacity) : null;
        discountPowers = Enumerable.Range(0, steps + 1).Select(k => Math.Pow(gamma, k)).ToArray();
    }

    /// <summary>The settings.</summary>
    public ReplayOptions Options { get; }

    /// <summary>n of the n-step returns.</summary>
    public int Steps { get; }

    /// <summary>The discount.</summary>
    public double Gamma { get; }

    /// <summary>Slots (observations) the buffer holds at most.</summary>
    public int Capacity => flags.Length;

    /// <summary>Observations stored now (including episodes' final observations).</summary>
    public int Count => count;

    /// <summary>Transitions stored now (observations the agent has acted on).</summary>
    public int Transitions => transitions;

    /// <summary>Observations written since creation (grows past <see cref="Capacity"/>).</summary>
    public long Written => written;

    /// <summary>True when observations are stored one bit per element.</summary>
    public bool StoresBits => observations.PackBits;

    /// <summary>Frames of each observation's stack (<see cref="EnvironmentSpec.StackedFrames"/>); each slot stores one frame.</summary>
    public int StackedFrames => stackedFrames;

    /// <summary>How many times a checkpoint hashed an observation segment to name its part (each segment is hashed only
    /// when it was written since it was last named; tests check this).</summary>
    internal int ObservationSegmentsHashed => observations.SegmentsHashed;

    /// <summary>Bytes the buffer holds: observations (one frame per slot for frame stacks), actions, rewards, flags and priorities.</summary>
    public long MemoryBytes => observations.Bytes + actions.LongLength + 4L * rewards.LongLength + flags.LongLength +
        (frameDepths?.LongLength ?? 0) + (priorities is null ? 0 : 16L * priorities.Capacity);

    /// <summary>
    /// Bytes the textbook float32 layout of the same capacity would take: observation and next observation as float32
    /// per transition, an int64 action, a float32 reward and a float32 done flag (e.g. SB3's buffer as CleanRL uses it).
    /// </summary>
    public static long NaiveFloat32Bytes(EnvironmentSpec environment, int capacity)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return (long)capacity * (2L * 4 * environment.ObservationSize + 8 + 4 + 4);
    }

    /// <summary>Starts an episode with its first observation. An episode still open is closed as truncated.</summary>
    /// <exception cref="ArgumentException">The observation has the wrong size, or (frame stacks) does not repeat its first
    /// frame in every position.</exception>
    public void AddFirst(ReadOnlySpan<byte> observation)
    {
        CheckObservation(observation);
        var newest = observation[^frameSize..];
        for (int i = 0; i < stackedFrames - 1; i++)
            if (!observation.Slice(i * frameSize, frameSize).SequenceEqual(newest))
                throw new ArgumentException($"An episode's first observation must repeat its first frame in all {stackedFrames} stacked frames (EnvironmentSpec.StackedFrames); frame {i} differs from the newest.", nameof(observation));
        if (episodeOpen && count > 1)
        {
            int previous = Previous(Previous(head));
            if ((flags[previous] & HasTransition) != 0) flags[previous] |= EpisodeEnd;
        }
        Write(observation, depth: 0);
        episodeOpen = true;
    }

    /// <summary>
    /// Records that <paramref name="action"/> was taken in the newest observation, giving <paramref name="reward"/> and
    /// <paramref name="nextObservation"/>; <paramref name="terminated"/> or <paramref name="truncated"/> ends the episode.
    /// </summary>
    /// <exception cref="InvalidOperationException">No episode is open (call <see cref="AddFirst"/>).</exception>
    /// <exception cref="ArgumentException">The observation has the wrong size, or (frame stacks) its older frames are not
    /// the newer frames of the observation it follows.</exception>
    public void AddStep(int action, float reward, bool terminated, bool truncated, ReadOnlySpan<byte> nextObservation)
    {
        if (!episodeOpen) throw new InvalidOperationException("No episode is open in the replay: call AddFirst with the episode's first observation.");
        if (action < 0 || action >= 256) throw new ArgumentOutOfRangeException(nameof(action), action, "The action must be in [0, 256).");
        if (!float.IsFinite(reward)) throw new ArgumentOutOfRangeException(nameof(reward), reward, "The reward must be finite.");
        CheckObservation(nextObservation);
        int slot = Previous(head);
        // Checked before anything is written, so a refused observation leaves the buffer as it was.
        for (int i = 1; i < stackedFrames; i++)
        {
            observations.Read(FrameSlot(slot, i), frameScratch!);
            if (!nextObservation.Slice((i - 1) * frameSize, frameSize).SequenceEqual(frameScratch))
                throw new ArgumentException($"A stacked observation's frames must shift by one each step (EnvironmentSpec.StackedFrames = {stackedFrames}): frame {i - 1} of the next observation differs from frame {i} of the one it follows.", nameof(nextObservation));
        }
        actions[slot] = (byte)action;
        rewards[slot] = reward;
        flags[slot] = (byte)(HasTransition | (terminated ? Terminated : 0) | (terminated || truncated ? EpisodeEnd : 0));
        transitions++;
        priorities?.Set(slot, maxPriority);
        Write(nextObservation, frameDepths is null ? 0 : Math.Min(frameDepths[slot] + 1, stackedFrames - 1));
        episodeOpen = !(terminated || truncated);
    }

    /// <summary>
    /// Forgets every stored observation and transition (an agent's next stage that does not keep its replay); the
    /// capacity, settings and <see cref="Written"/> count stay, and the next call must be <see cref="AddFirst"/>.
    /// </summary>
    public void Clear()
    {
        Array.Clear(flags);
        Array.Clear(actions);
        Array.Clear(rewards);
        if (frameDepths is not null) Array.Clear(frameDepths);
        priorities?.Restore(new double[Capacity]);
        head = 0;
        count = 0;
        transitions = 0;
        episodeOpen = false;
        maxPriority = 1.0;
    }

    /// <summary>True when <see cref="Sample(ReplayBatch, RandomStream)"/> can draw: some transition's n-step window is complete.</summary>
    public bool CanSample
    {
        get
        {
            for (int j = 0; j < count; j++)
                if (IsComplete(Oldest(j))) return true;
            return false;
        }
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with transitions drawn from <paramref name="random"/>: uniformly among the complete
    /// ones, or (prioritized) one per equal slice of the priority mass, with importance weights.
    /// </summary>
    /// <exception cref="ArgumentException">The batch's observation shape differs from the buffer's.</exception>
    /// <exception cref="InvalidOperationException">No complete transition is stored yet.</exception>
    public void Sample(ReplayBatch batch, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(random);
        if (!ReferenceEquals(batch, verifiedBatch))
        {
            if (!batch.Observations.shape.Skip(1).SequenceEqual(observationShape.Select(d => (long)d)))
                throw new ArgumentException($"The batch holds observations of shape [{string.Join(", ", batch.Observations.shape.Skip(1))}] but the replay [{string.Join(", ", observationShape)}].", nameof(batch));
            verifiedBatch = batch;
        }
        int size = batch.Size, elements = observationSize;
        var obs = batch.ObservationSpan;
        var next = batch.NextObservationSpan;
        var actionSpan = batch.ActionSpan;
        var returns = batch.ReturnSpan;
        var discounts = batch.DiscountSpan;
        var weights = batch.WeightSpan;
        double smallestPriority = double.PositiveInfinity;
        for (int b = 0; b < size; b++)
        {
            int slot = priorities is null ? DrawUniform(random) : DrawPrioritized(random, b, size);
            var (nextSlot, value, discount, steps) = NStep(slot);
            batch.Slots[b] = slot;
            batch.Steps[b] = steps;
            Decode(slot, obs.Slice(b * elements, elements));
            Decode(nextSlot, next.Slice(b * elements, elements));
            actionSpan[b] = actions[slot];
            returns[b] = (float)value;
            discounts[b] = (float)discount;
            if (priorities is not null) smallestPriority = Math.Min(smallestPriority, priorities[slot]);
        }
        if (priorities is null) return;
        // w_i = (N P(i))^-beta normalized by the batch's largest weight: (p_i / p_min)^-beta, since P(i) is p_i / total.
        for (int b = 0; b < size; b++)
            weights[b] = (float)Math.Pow(priorities[batch.Slots[b]] / smallestPriority, -Options.ImportanceExponent);
    }

    /// <summary>
    /// Sets the priorities of the transitions at <paramref name="slots"/> from their errors (|TD error| for DQN, the
    /// cross-entropy for C51): <c>(error + epsilon)^alpha</c>. Does nothing without prioritized replay.
    /// </summary>
    public void UpdatePriorities(ReadOnlySpan<int> slots, ReadOnlySpan<float> errors)
    {
        if (priorities is null) return;
        if (slots.Length != errors.Length) throw new ArgumentException($"{slots.Length} slots but {errors.Length} errors.", nameof(errors));
        for (int i = 0; i < slots.Length; i++)
        {
            if (!float.IsFinite(errors[i])) throw new ArgumentOutOfRangeException(nameof(errors), errors[i], $"The error of slot {slots[i]} is not finite.");
            if ((flags[slots[i]] & HasTransition) == 0) continue; // overwritten since it was sampled
            double priority = Math.Pow(Math.Abs(errors[i]) + Options.PriorityEpsilon, Options.PriorityExponent);
            priorities.Set(slots[i], priority);
            maxPriority = Math.Max(maxPriority, priority);
        }
    }

    /// <summary>The sampling priority of a slot (0 when nothing starts there); 1 for every transition without prioritization.</summary>
    public double PriorityOf(int slot) => priorities is null ? ((flags[slot] & HasTransition) != 0 ? 1 : 0) : priorities[slot];

    /// <inheritdoc />
    /// <remarks>Any stored observation, including episodes' final ones, decoded to floats as the network takes them.</remarks>
    public Tensor Sample(int count, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (this.count == 0) throw new ArgumentOutOfRangeException(nameof(count), "The replay holds no observations to sample.");
        int elements = observationSize;
        var result = empty([count, .. observationShape.Select(d => (long)d)], ScalarType.Float32);
        var values = MemoryMarshal.Cast<byte, float>(result.bytes);
        for (int i = 0; i < count; i++)
        {
            int slot = Oldest(random.Next(this.count));
            // Frame stacks: a draw among the oldest k - 1 slots whose earlier frames were overwritten is drawn again.
            while (!Whole(slot)) slot = Oldest(random.Next(this.count));
            Decode(slot, values.Slice(i * elements, elements));
        }
        return result;
    }

    /// <summary>Copies the <paramref name="index"/>-th oldest stored observation (0 = oldest) as bytes.</summary>
    /// <exception cref="InvalidOperationException">(Frame stacks) The ring has overwritten earlier frames of that observation.</exception>
    public void CopyObservation(int index, Span<byte> destination)
    {
        if (index < 0 || index >= count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The replay holds {count} observations.");
        if (destination.Length != observationSize)
            throw new ArgumentException($"The destination holds {destination.Length} bytes; an observation has {observationSize}.", nameof(destination));
        int slot = Oldest(index);
        if (!Whole(slot)) throw new InvalidOperationException($"Observation {index} is among the oldest of a full ring: its earlier stacked frames were overwritten.");
        for (int i = 0; i < stackedFrames; i++) observations.Read(FrameSlot(slot, i), destination.Slice(i * frameSize, frameSize));
    }

    /// <summary>
    /// The n-step transition starting at the <paramref name="index"/>-th oldest slot, or null when none starts there, its
    /// window has not arrived yet, or (frame stacks) the ring has overwritten earlier frames of its observation: the index
    /// of its next observation (0 = oldest), its return, discount and steps.
    /// </summary>
    public (int NextIndex, double Return, double Discount, int Steps)? TransitionAt(int index)
    {
        if (index < 0 || index >= count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The replay holds {count} observations.");
        int slot = Oldest(index);
        if (!IsComplete(slot)) return null;
        var (next, value, discount, steps) = NStep(slot);
        return (IndexOf(next), value, discount, steps);
    }

    /// <summary>The oldest-first index of a slot (as <see cref="ReplayBatch.Slots"/> holds them).</summary>
    public int IndexOf(int slot) => (slot - (head - count) % Capacity + 2 * Capacity) % Capacity;

    /// <summary>Writes the whole buffer (contents, positions, priorities) into <paramref name="state"/>.</summary>
    /// <remarks>The observations are stored as one entry per segment of <see cref="ObservationStore.DefaultSegmentBytes"/> ("observations", then "observations.1", ...).</remarks>
    public void Save(StateBag state) => Save(state, borrowObservations: false);

    /// <summary>
    /// Writes the whole buffer into <paramref name="state"/>; with <paramref name="borrowObservations"/>, the bag refers to
    /// the observations instead of copying them (gigabytes for ALE), so it must be written before the buffer changes.
    /// </summary>
    internal void Save(StateBag state, bool borrowObservations)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("capacity", Capacity);
        state.Set("slotBytes", observations.SlotBytes);
        state.Set("head", head);
        state.Set("count", count);
        state.Set("transitions", transitions);
        state.Set("written", written);
        state.Set("episodeOpen", episodeOpen ? 1 : 0);
        state.Set("maxPriority", maxPriority);
        for (int k = 0; k < observations.SegmentCount; k++)
        {
            int segment = k;
            if (borrowObservations) state.SetBorrowed(SegmentEntry(k), observations.Segment(k), () => observations.PartName(segment));
            else state.Set(SegmentEntry(k), observations.Segment(k).Span);
        }
        state.Set("actions", actions);
        state.Set("rewards", rewards);
        state.Set("flags", flags);
        if (frameDepths is not null) state.Set("frameDepths", frameDepths);
        if (priorities is not null) state.Set("priorities", priorities.Leaves());
    }

    /// <summary>Restores what <see cref="Save(StateBag)"/> wrote into a buffer of the same settings.</summary>
    /// <exception cref="InvalidDataException">The state belongs to a buffer of another capacity, storage or prioritization.</exception>
    public void Load(StateBag state) => Load(state, adoptObservations: false);

    /// <summary>
    /// Restores what <see cref="Save(StateBag)"/> wrote; with <paramref name="adoptObservations"/>, the observations'
    /// arrays are taken out of <paramref name="state"/> and used as they are instead of being copied, so resuming a
    /// replay of gigabytes holds it once, not twice (the agent's own resume, whose checkpoint is dropped afterwards).
    /// </summary>
    internal void Load(StateBag state, bool adoptObservations)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.GetInt64("capacity") != Capacity || state.GetInt64("slotBytes") != observations.SlotBytes)
            throw new InvalidDataException($"{state.Name}: the replay state holds {state.GetInt64("capacity")} slots of {state.GetInt64("slotBytes")} bytes; this buffer has {Capacity} of {observations.SlotBytes}.");
        if (state.Contains("priorities") != (priorities is not null))
            throw new InvalidDataException($"{state.Name}: the replay state was {(priorities is null ? "" : "not ")}prioritized, this buffer is {(priorities is null ? "not" : "")}.");
        for (int k = 0; k < observations.SegmentCount; k++)
        {
            string entry = SegmentEntry(k);
            if (adoptObservations)
            {
                // Taken before the bag gives the array up: a segment read from a checked part needs no hashing later.
                string? partName = state.PartNameOf(entry);
                if (state.DetachBytes(entry) is byte[] restored)
                {
                    observations.Adopt(k, restored, partName);
                    continue;
                }
            }
            state.CopyBytesTo(entry, observations.Overwrite(k));
        }
        Restore(state.GetBytes("actions"), actions, "actions");
        Restore(state.GetSingleArray("rewards"), rewards, "rewards");
        Restore(state.GetBytes("flags"), flags, "flags");
        if (frameDepths is not null)
        {
            if (!state.Contains("frameDepths")) throw new InvalidDataException($"{state.Name}: the replay state holds whole observations; this buffer stores stacks of {stackedFrames} frames.");
            Restore(state.GetBytes("frameDepths"), frameDepths, "frame depths");
        }
        priorities?.Restore(state.GetDoubleArray("priorities"));
        head = checked((int)state.GetInt64("head"));
        count = checked((int)state.GetInt64("count"));
        transitions = checked((int)state.GetInt64("transitions"));
        written = state.GetInt64("written");
        episodeOpen = state.GetInt64("episodeOpen") != 0;
        maxPriority = state.GetDouble("maxPriority");
        if (head < 0 || head >= Capacity || count < 0 || count > Capacity)
            throw new InvalidDataException($"{state.Name}: the replay positions (head {head}, count {count}) do not fit {Capacity} slots.");

        static void Restore<T>(T[] source, Span<T> target, string what)
        {
            if (source.Length != target.Length) throw new InvalidDataException($"The replay's {what} hold {source.Length} values; the buffer has {target.Length}.");
            source.CopyTo(target);
        }
    }

    /// <summary>The state entry of the observations' segment <paramref name="k"/> (a buffer of one segment writes what it
    /// always wrote: "observations").</summary>
    internal static string SegmentEntry(int k) => k == 0 ? "observations" : $"observations.{k}";

    /// <summary>Stores <paramref name="observation"/> (its newest frame, for frame stacks, whose stack reaches
    /// <paramref name="depth"/> slots back) in the next slot.</summary>
    private void Write(ReadOnlySpan<byte> observation, int depth)
    {
        if (count == Capacity)
        {
            // The oldest slot is overwritten: nothing starts there any more.
            if ((flags[head] & HasTransition) != 0) transitions--;
            flags[head] = 0;
            priorities?.Set(head, 0);
        }
        observations.Write(head, observation[^frameSize..]);
        if (frameDepths is not null) frameDepths[head] = (byte)depth;
        flags[head] = 0;
        head = Next(head);
        count = Math.Min(count + 1, Capacity);
        written++;
    }

    /// <summary>True when a transition starts at <paramref name="slot"/> and its whole n-step window has arrived.</summary>
    private bool IsComplete(int slot)
    {
        // The next observation is newer and shares the slot's episode, so it is whole when the slot is.
        if ((flags[slot] & HasTransition) == 0 || !Whole(slot)) return false;
        int s = slot;
        for (int k = 0; ; k++)
        {
            if ((flags[s] & EpisodeEnd) != 0 || k == Steps - 1) return true;
            s = Next(s);
            if ((flags[s] & HasTransition) == 0) return false;
        }
    }

    /// <summary>The n-step return from a complete slot: next observation's slot, return, discount and steps summed.</summary>
    private (int Next, double Return, double Discount, int Steps) NStep(int slot)
    {
        double value = 0;
        int s = slot;
        for (int k = 0; ; k++)
        {
            value += discountPowers[k] * rewards[s];
            byte f = flags[s];
            if ((f & Terminated) != 0) return (Next(s), value, 0.0, k + 1);
            if ((f & EpisodeEnd) != 0 || k == Steps - 1) return (Next(s), value, discountPowers[k + 1], k + 1);
            s = Next(s);
        }
    }

    private int DrawUniform(RandomStream random)
    {
        for (int attempt = 0; attempt < MaximumAttempts; attempt++)
        {
            int slot = Oldest(random.Next(count));
            if (IsComplete(slot)) return slot;
        }
        throw NothingToSample();
    }

    private int DrawPrioritized(RandomStream random, int stratum, int strata)
    {
        double total = priorities!.Total;
        if (!(total > 0)) throw NothingToSample();
        for (int attempt = 0; attempt < MaximumAttempts; attempt++)
        {
            // Stratified: the first draw falls in this row's slice of the mass; a retry (an incomplete window) anywhere.
            double mass = attempt == 0 ? (stratum + random.NextDouble()) * total / strata : random.NextDouble() * total;
            int slot = priorities.Find(mass);
            if (IsComplete(slot)) return slot;
        }
        throw NothingToSample();
    }

    private InvalidOperationException NothingToSample() =>
        new($"The replay holds no complete {Steps}-step transition to sample ({transitions} transitions, {count} observations); add experience first.");

    private void CheckObservation(ReadOnlySpan<byte> observation)
    {
        if (observation.Length != observationSize)
            throw new ArgumentException($"An observation has {observationSize} bytes ([{string.Join(", ", observationShape)}]); got {observation.Length}.");
    }

    /// <summary>Decodes the observation in <paramref name="slot"/>: its stack of frames, oldest first.</summary>
    private void Decode(int slot, Span<float> destination)
    {
        for (int i = 0; i < stackedFrames; i++) observations.Decode(FrameSlot(slot, i), destination.Slice(i * frameSize, frameSize));
    }

    /// <summary>The slot holding frame <paramref name="position"/> (0 = oldest) of the stack stored at <paramref name="slot"/>.</summary>
    private int FrameSlot(int slot, int position)
    {
        if (frameDepths is null) return slot;
        int back = Math.Min(frameDepths[slot], stackedFrames - 1 - position);
        return (slot - back + Capacity) % Capacity;
    }

    /// <summary>True when every frame of the stack at <paramref name="slot"/> is still stored (always, without stacks).</summary>
    private bool Whole(int slot) => frameDepths is null || IndexOf(slot) >= frameDepths[slot];

    private int Oldest(int index) => (head - count + index + 2 * Capacity) % Capacity;

    private int Next(int slot) => slot + 1 == Capacity ? 0 : slot + 1;

    private int Previous(int slot) => slot == 0 ? Capacity - 1 : slot - 1;
}
