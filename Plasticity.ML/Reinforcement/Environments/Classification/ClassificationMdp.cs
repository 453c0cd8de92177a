using System.Runtime.CompilerServices;
using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Tasks;

namespace Plasticity.ML.Reinforcement.Environments.Classification;

/// <summary>
/// The paper's classification MDP (Lyle et al. 2023, section 3.2): one state per class, each step's observation an
/// image of the current state's class, the action a class guess. Observations are the image's pixels as bytes
/// 0..255 (<see cref="EnvironmentSpec.ObservationMaximum"/> 255), shaped like the data set's images, e.g.
/// <c>[1, 28, 28]</c> for the embedded Fashion-MNIST images (<see cref="FashionMnist.LoadEmbedded"/>).
/// </summary>
/// <remarks>
/// <para>Variants (<see cref="ClassificationMdpOptions.Variant"/>). True labels: the state is the image's class,
/// the reward 1[a = s], and the next image is drawn uniformly from the whole data set whatever the action (so the
/// policy does not change which states are visited; with Fashion-MNIST's balanced classes each state has
/// probability 1/10). Random labels: the same, with the state a random label given to every image; the labels are
/// those of task t of a random-label <see cref="TaskSequence"/> (<see cref="TaskSequence.RandomLabels"/>), and
/// <see cref="StartTask"/> re-draws them. Sparse reward: the state is the true class s and the reward is
/// 1[a = s = C - 1] (class 9 for ten classes).</para>
/// <para>The sparse variant's transition, which the paper describes only as "the agent's actions affect which
/// states it visits", is defined here as: naming the state's class (a = s) moves to the next class, s + 1 modulo C,
/// through a uniformly drawn image of that class; any other action moves to a uniformly drawn image of the whole
/// data set. So a policy that always names the class walks 0, 1, ..., 9, 0, ... and collects a reward every C
/// steps, while a random policy reaches class 9 about one step in ten and is rewarded about one step in a hundred.</para>
/// <para>Episodes: every reset draws the first image uniformly. The MDP is continuing: episodes never end unless
/// <see cref="ClassificationMdpOptions.EpisodeLength"/> cuts them (truncated, never terminated).</para>
/// </remarks>
public sealed class ClassificationMdp : IEnvironment
{
    private static readonly ConditionalWeakTable<ImageDataset, byte[]> PixelBytes = [];

    private readonly ImageDataset data;
    private readonly byte[] pixels;
    private readonly int imageSize;
    private readonly int classes;
    private int[] labels;
    private readonly int[][] imagesByClass;
    private FastRandom random = new(0);
    private int image;
    private int steps;
    private bool running;
    private bool everReset;

    /// <summary>An MDP over the images of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The data set is empty, its images are not <c>[channels, height, width]</c>, it has fewer than 2 classes, or (sparse variant) a class has no image.</exception>
    public ClassificationMdp(ImageDataset data, ClassificationMdpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ClassificationMdpOptions();
        options.Validate();
        if (data.Count == 0) throw new ArgumentException($"Data set '{data.Name}' has no images.", nameof(data));
        if (data.ImageShape.Length != 3)
            throw new ArgumentException($"Data set '{data.Name}' has images of shape [{string.Join(", ", data.ImageShape)}]; the classification MDP needs [channels, height, width].", nameof(data));
        if (data.ClassCount < 2)
            throw new ArgumentException($"Data set '{data.Name}' has {data.ClassCount} class; the classification MDP needs at least 2.", nameof(data));
        this.data = data;
        Options = options;
        classes = data.ClassCount;
        imageSize = data.ImageSize;
        pixels = PixelBytes.GetValue(data, ToBytes);
        labels = options.Variant == ClassificationMdpVariant.RandomLabels
            ? TaskSequence.RandomLabels(options.LabelSeed, 0, data.Count, classes)
            : data.Labels;
        imagesByClass = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == c).ToArray()).ToArray();
        if (options.Variant == ClassificationMdpVariant.SparseReward && imagesByClass.FirstOrDefault(c => c.Length == 0) is not null)
        {
            int empty = Array.FindIndex(imagesByClass, c => c.Length == 0);
            throw new ArgumentException($"Data set '{data.Name}' has no image of class {empty}; the sparse-reward variant moves through every class.", nameof(data));
        }
        string variant = options.Variant switch
        {
            ClassificationMdpVariant.TrueLabels => "true-labels",
            ClassificationMdpVariant.RandomLabels => "random-labels",
            _ => "sparse-reward",
        };
        Spec = new EnvironmentSpec
        {
            Name = "classification-mdp:" + variant,
            ObservationShape = [.. data.ImageShape],
            ChannelNames = data.ImageShape[0] == 1 ? ["image"] : Enumerable.Range(0, data.ImageShape[0]).Select(c => $"image-{c}").ToArray(),
            ObservationMaximum = 255,
            ActionCount = classes,
            ActionNames = Enumerable.Range(0, classes).Select(c => $"class-{c}").ToArray(),
        };
    }

    /// <summary>The settings.</summary>
    public ClassificationMdpOptions Options { get; }

    /// <inheritdoc />
    public EnvironmentSpec Spec { get; }

    /// <summary>Always null: the MDP has no lives.</summary>
    public int? Lives => null;

    /// <summary>The current task (0 until <see cref="StartTask"/>; random labels only).</summary>
    public int Task { get; private set; }

    /// <summary>The label of every image in the current task: the true labels, or the task's random labels.</summary>
    public ReadOnlySpan<int> Labels => labels;

    /// <summary>Index (in the data set) of the image shown by the latest observation.</summary>
    public int CurrentImage => image;

    /// <summary>The current state: the label of <see cref="CurrentImage"/> (random or true, by variant).</summary>
    public int CurrentState => labels[image];

    /// <summary>Steps taken in the current episode.</summary>
    public int EpisodeSteps => steps;

    /// <summary>
    /// Starts task <paramref name="task"/> of the random-label variant: every image gets the labels of that task,
    /// drawn from (<see cref="ClassificationMdpOptions.LabelSeed"/>, task). The current image stays; its state becomes
    /// its new label.
    /// </summary>
    /// <exception cref="InvalidOperationException">The variant is not <see cref="ClassificationMdpVariant.RandomLabels"/>.</exception>
    public void StartTask(int task)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(task);
        if (Options.Variant != ClassificationMdpVariant.RandomLabels)
            throw new InvalidOperationException($"Only the random-label variant has tasks; this MDP is {Options.Variant}.");
        labels = TaskSequence.RandomLabels(Options.LabelSeed, task, data.Count, classes);
        Task = task;
    }

    /// <inheritdoc />
    public void Reset(long? seed, Span<byte> observation)
    {
        CheckBuffer(observation);
        if (seed is long s) random.Reseed(s);
        image = random.NextInt(data.Count);
        steps = 0;
        running = true;
        everReset = true;
        Render(observation);
    }

    /// <inheritdoc />
    public StepResult Step(int action, Span<byte> observation)
    {
        if ((uint)action >= (uint)classes)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"{Spec.Name} has {classes} actions (0 to {classes - 1}); got action {action}.");
        CheckBuffer(observation);
        if (!running)
            throw new InvalidOperationException(everReset
                ? $"{Spec.Name}: the episode was truncated after {steps} steps; call Reset before stepping again."
                : $"{Spec.Name}: call Reset before the first Step.");
        int state = labels[image];
        float reward;
        if (Options.Variant == ClassificationMdpVariant.SparseReward)
        {
            reward = action == state && state == classes - 1 ? 1 : 0;
            if (action == state)
            {
                var next = imagesByClass[(state + 1) % classes];
                image = next[random.NextInt(next.Length)];
            }
            else
            {
                image = random.NextInt(data.Count);
            }
        }
        else
        {
            reward = action == state ? 1 : 0;
            image = random.NextInt(data.Count);
        }
        steps++;
        bool truncated = Options.EpisodeLength is int limit && steps >= limit;
        if (truncated) running = false;
        Render(observation);
        return new StepResult(reward, false, truncated);
    }

    private void Render(Span<byte> observation) => pixels.AsSpan(image * imageSize, imageSize).CopyTo(observation);

    private void CheckBuffer(Span<byte> observation)
    {
        if (observation.Length != imageSize)
            throw new ArgumentException($"{Spec.Name} writes observations of {imageSize} bytes ([{string.Join(", ", Spec.ObservationShape)}]); the buffer has {observation.Length}.", nameof(observation));
    }

    private static byte[] ToBytes(ImageDataset data)
    {
        // The data set stores pixels as byte / 255 in [0, 1]; rounding recovers the bytes exactly.
        var bytes = new byte[data.Pixels.Length];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Round(Math.Clamp(data.Pixels[i], 0f, 1f) * 255f);
        return bytes;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
