using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Reinforcement.Replay;

/// <summary>
/// Observations (or, for frame stacks, single frames: see <see cref="ReplayBuffer"/>) in slots of flat byte arrays,
/// one byte or one bit per element, decoded straight into the float buffer a batch tensor owns (scaled by 1 / the
/// observation maximum).
/// </summary>
/// <remarks>Slots are kept in segments of at most <see cref="DefaultSegmentBytes"/> each (a whole number of slots per
/// segment): one .NET array holds at most 2 GB, and a 1M-slot replay of ALE's 84 x 84 frames takes 7 GB. Segments are
/// also what a checkpoint rewrites: one whose slots did not change since the last checkpoint keeps its part file
/// (<see cref="CheckpointParts"/>), so small segments make a checkpoint write little more than the
/// transitions added since the last one.</remarks>
internal sealed class ObservationStore
{
    /// <summary>Bytes per segment: 64 MiB, so a MinAtar buffer of 100k transitions is one array, and a checkpoint of a
    /// large buffer rewrites at most one segment more than the transitions added since the last one.</summary>
    public const long DefaultSegmentBytes = 64L << 20;

    /// <summary>The largest segment allowed: 1 GiB.</summary>
    public const long MaximumSegmentBytes = 1L << 30;

    private readonly byte[][] segments;

    // Each segment's checkpoint part name while it is unchanged since it was named: a checkpoint hashes only the
    // segments written since the last one (hashing 7 GB took most of a large replay's checkpoint).
    private readonly string?[] partNames;
    private readonly int slotsPerSegment;
    private readonly float[] byteScale = new float[256];

    /// <summary>Floats of the 8 bits of every byte value, bit 0 first: decoding a packed byte is one 8-float copy.</summary>
    private static readonly float[] BitTable = CreateBitTable();

    /// <param name="capacity">Slots.</param>
    /// <param name="observationSize">Elements of one observation.</param>
    /// <param name="packBits">True to store one bit per element.</param>
    /// <param name="maximum">The largest element value; bytes decode to value / maximum.</param>
    /// <param name="segmentBytes">Bytes per segment at most (tests use small ones to cross segment boundaries).</param>
    public ObservationStore(int capacity, int observationSize, bool packBits, byte maximum, long segmentBytes = DefaultSegmentBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        if (segmentBytes is < 1 or > MaximumSegmentBytes) throw new ArgumentOutOfRangeException(nameof(segmentBytes), segmentBytes, $"A segment holds 1 to {MaximumSegmentBytes:N0} bytes.");
        if (maximum == 0) throw new ArgumentOutOfRangeException(nameof(maximum), "The observation maximum must be positive.");
        if (packBits && maximum != 1) throw new ArgumentException($"Observations can be stored as bits only when their maximum is 1; it is {maximum}.");
        ObservationSize = observationSize;
        PackBits = packBits;
        SlotBytes = packBits ? (observationSize + 7) / 8 : observationSize;
        slotsPerSegment = (int)Math.Clamp(segmentBytes / SlotBytes, 1, capacity);
        int segmentCount = (capacity + slotsPerSegment - 1) / slotsPerSegment;
        segments = new byte[segmentCount][];
        partNames = new string?[segmentCount];
        for (int k = 0; k < segmentCount; k++)
            segments[k] = new byte[(long)Math.Min(slotsPerSegment, capacity - k * slotsPerSegment) * SlotBytes];
        for (int b = 0; b < 256; b++) byteScale[b] = b / (float)maximum;
    }

    /// <summary>Elements of one observation.</summary>
    public int ObservationSize { get; }

    /// <summary>True when each element is one bit.</summary>
    public bool PackBits { get; }

    /// <summary>Bytes of one stored observation.</summary>
    public int SlotBytes { get; }

    /// <summary>How many segments hold the slots.</summary>
    public int SegmentCount => segments.Length;

    /// <summary>The bytes of segment <paramref name="segment"/> (for checkpoints), read-only: every change goes through
    /// <see cref="Write"/>, <see cref="Adopt"/> or <see cref="Overwrite"/>, which keep <see cref="PartName"/> true.</summary>
    public ReadOnlyMemory<byte> Segment(int segment) => segments[segment];

    /// <summary>Makes <paramref name="array"/> (a restored segment, of that segment's length) the store's segment
    /// <paramref name="segment"/> instead of copying it in; the caller gives it up.</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="array">Its restored bytes.</param>
    /// <param name="partName">Their <see cref="CheckpointParts.NameOf"/> when known (read from a checked part), else null.</param>
    /// <exception cref="InvalidDataException">The array has another length.</exception>
    public void Adopt(int segment, byte[] array, string? partName)
    {
        if (array.Length != segments[segment].Length)
            throw new InvalidDataException($"Observation segment {segment} holds {segments[segment].Length:N0} bytes; the restored one has {array.Length:N0}.");
        segments[segment] = array;
        partNames[segment] = partName;
    }

    /// <summary>The bytes of segment <paramref name="segment"/>, for a restore to overwrite (its part name is forgotten).</summary>
    public Span<byte> Overwrite(int segment)
    {
        partNames[segment] = null;
        return segments[segment];
    }

    /// <summary>The checkpoint part name (<see cref="CheckpointParts.NameOf"/>) of segment <paramref name="segment"/>'s
    /// bytes, hashed only when a slot of it was written since it was last named.</summary>
    public string PartName(int segment)
    {
        if (partNames[segment] is string known) return known;
        SegmentsHashed++;
        return partNames[segment] = CheckpointParts.NameOf(segments[segment]);
    }

    /// <summary>How many times <see cref="PartName"/> hashed a segment (tests check that unchanged ones are not).</summary>
    internal int SegmentsHashed { get; private set; }

    /// <summary>Bytes held.</summary>
    public long Bytes => segments.Sum(segment => segment.LongLength);

    /// <summary>Stores <paramref name="observation"/> in <paramref name="slot"/>.</summary>
    /// <exception cref="ArgumentException">A bit store receives a byte other than 0 or 1.</exception>
    public void Write(int slot, ReadOnlySpan<byte> observation)
    {
        partNames[slot / slotsPerSegment] = null;
        var target = SlotSpan(slot);
        if (!PackBits)
        {
            observation.CopyTo(target);
            return;
        }
        int n = observation.Length;
        for (int k = 0; k < SlotBytes; k++)
        {
            int packed = 0, start = 8 * k, end = Math.Min(start + 8, n);
            for (int i = start; i < end; i++)
            {
                byte value = observation[i];
                if (value > 1)
                    throw new ArgumentException($"Observation element {i} is {value}, but a replay that stores bits takes only 0 and 1 (the environment's ObservationMaximum is 1).");
                packed |= value << (i - start);
            }
            target[k] = (byte)packed;
        }
    }

    /// <summary>Decodes the observation in <paramref name="slot"/> into <paramref name="destination"/> (<see cref="ObservationSize"/> floats).</summary>
    public void Decode(int slot, Span<float> destination)
    {
        var source = SlotSpan(slot);
        if (!PackBits)
        {
            for (int i = 0; i < source.Length; i++) destination[i] = byteScale[source[i]];
            return;
        }
        int full = ObservationSize / 8;
        if (destination.Length < ObservationSize) throw new ArgumentException($"The destination holds {destination.Length} floats; an observation has {ObservationSize}.", nameof(destination));
        // Each packed byte becomes the 8 floats of its table row: one 32-byte load and store.
        ref float table = ref MemoryMarshal.GetArrayDataReference(BitTable);
        ref float target = ref MemoryMarshal.GetReference(destination);
        for (int k = 0; k < full; k++)
            Vector256.LoadUnsafe(ref table, (nuint)(source[k] * 8)).StoreUnsafe(ref target, (nuint)(8 * k));
        int rest = ObservationSize - 8 * full;
        if (rest > 0) BitTable.AsSpan(source[full] * 8, rest).CopyTo(destination.Slice(8 * full, rest));
    }

    /// <summary>Copies the raw bytes of the observation in <paramref name="slot"/>, unpacked to one byte per element.</summary>
    public void Read(int slot, Span<byte> destination)
    {
        var source = SlotSpan(slot);
        if (!PackBits)
        {
            source.CopyTo(destination);
            return;
        }
        for (int i = 0; i < ObservationSize; i++) destination[i] = (byte)((source[i >> 3] >> (i & 7)) & 1);
    }

    /// <summary>The bytes of <paramref name="slot"/>.</summary>
    private Span<byte> SlotSpan(int slot)
    {
        int segment = slot / slotsPerSegment;
        return segments[segment].AsSpan((slot - segment * slotsPerSegment) * SlotBytes, SlotBytes);
    }

    private static float[] CreateBitTable()
    {
        var table = new float[256 * 8];
        for (int b = 0; b < 256; b++)
            for (int bit = 0; bit < 8; bit++) table[8 * b + bit] = (b >> bit) & 1;
        return table;
    }
}
