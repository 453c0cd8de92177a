using Plasticity.ML.Reinforcement.Environments;
using Plasticity.ML.Reinforcement.Environments.MinAtar;

namespace Plasticity.ML.Tests.Reinforcement;

/// <summary>A MinAtar game with its observation buffer, for scripting rule tests (sticky actions off by default).</summary>
internal sealed class GameHarness<TGame> where TGame : MinAtarEnvironment
{
    public GameHarness(MinAtarGame game, double sticky = 0, bool ramping = true, long seed = 1)
    {
        Game = (TGame)MinAtarEnvironment.Create(new MinAtarOptions { Game = game, StickyActionProbability = sticky, DifficultyRamping = ramping });
        Observation = new byte[Game.Spec.ObservationSize];
        Game.Reset(seed, Observation);
    }

    public TGame Game { get; }

    public byte[] Observation { get; }

    public StepResult Step(int action) => Game.Step(action, Observation);

    /// <summary>Whether the latest observation marks the cell in the named channel.</summary>
    public bool Cell(string channel, int row, int column) =>
        Observation[Channel(channel) * 100 + row * 10 + column] != 0;

    public int Count(string channel) => Observation.AsSpan(Channel(channel) * 100, 100).ToArray().Count(b => b != 0);

    public List<(int Row, int Column)> Cells(string channel)
    {
        var cells = new List<(int, int)>();
        int c = Channel(channel);
        for (int r = 0; r < 10; r++)
            for (int x = 0; x < 10; x++)
                if (Observation[c * 100 + r * 10 + x] != 0) cells.Add((r, x));
        return cells;
    }

    private int Channel(string name)
    {
        int index = Array.IndexOf(Game.Spec.ChannelNames, name);
        Assert.IsTrue(index >= 0, $"{Game.Spec.Name} has no channel '{name}'.");
        return index;
    }
}
