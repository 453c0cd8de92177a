namespace Plasticity.ML.Reinforcement.Environments.Ale;

/// <summary>
/// The last <see cref="Depth"/> frames of an episode, oldest first, as one observation <c>[Depth, frame]</c>
/// (DQN's frame stack of 4, which lets a network see motion). A new episode fills every slot with its first frame.
/// </summary>
public sealed class FrameStack
{
    private readonly byte[] _frames;
    private int _oldest;

    /// <summary>Creates an empty stack (all zeros) of <paramref name="depth"/> frames of <paramref name="frameSize"/> bytes.</summary>
    /// <param name="depth">Frames kept, at least 1.</param>
    /// <param name="frameSize">Bytes per frame, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public FrameStack(int depth, int frameSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSize);
        Depth = depth;
        FrameSize = frameSize;
        _frames = new byte[checked(depth * frameSize)];
    }

    /// <summary>Frames kept.</summary>
    public int Depth { get; }

    /// <summary>Bytes per frame.</summary>
    public int FrameSize { get; }

    /// <summary>Bytes of the stacked observation: <see cref="Depth"/> x <see cref="FrameSize"/>.</summary>
    public int ObservationSize => _frames.Length;

    /// <summary>Starts a new episode: every slot becomes <paramref name="frame"/>.</summary>
    /// <param name="frame">Exactly <see cref="FrameSize"/> bytes.</param>
    public void Fill(ReadOnlySpan<byte> frame)
    {
        CheckFrame(frame);
        for (int i = 0; i < Depth; i++) frame.CopyTo(_frames.AsSpan(i * FrameSize, FrameSize));
        _oldest = 0;
    }

    /// <summary>Adds <paramref name="frame"/> as the newest frame, dropping the oldest.</summary>
    /// <param name="frame">Exactly <see cref="FrameSize"/> bytes.</param>
    public void Push(ReadOnlySpan<byte> frame)
    {
        CheckFrame(frame);
        frame.CopyTo(_frames.AsSpan(_oldest * FrameSize, FrameSize));
        _oldest = (_oldest + 1) % Depth;
    }

    /// <summary>Writes the frames, oldest first (slot <see cref="Depth"/> - 1 is the newest), into <paramref name="observation"/>.</summary>
    /// <param name="observation">Exactly <see cref="ObservationSize"/> bytes.</param>
    public void CopyTo(Span<byte> observation)
    {
        if (observation.Length != _frames.Length)
            throw new ArgumentException($"observation has {observation.Length} bytes; {Depth} frames of {FrameSize} bytes need {_frames.Length}.", nameof(observation));
        int split = _oldest * FrameSize;
        _frames.AsSpan(split).CopyTo(observation);
        _frames.AsSpan(0, split).CopyTo(observation[(_frames.Length - split)..]);
    }

    private void CheckFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length != FrameSize)
            throw new ArgumentException($"frame has {frame.Length} bytes; this stack holds frames of {FrameSize} bytes.", nameof(frame));
    }
}
