namespace Plasticity.ML.Reinforcement.Replay;

/// <summary>
/// A binary tree of sums over non-negative leaf values (the priorities of prioritized replay): setting a leaf and
/// finding the leaf where a running sum crosses a value both take O(log n).
/// </summary>
internal sealed class SumTree
{
    private readonly double[] nodes;
    private readonly int leaves;

    public SumTree(int capacity)
    {
        leaves = 1;
        while (leaves < capacity) leaves <<= 1;
        Capacity = capacity;
        nodes = new double[2 * leaves];
    }

    /// <summary>Number of leaves in use.</summary>
    public int Capacity { get; }

    /// <summary>Sum of all leaves.</summary>
    public double Total => nodes[1];

    /// <summary>Leaf <paramref name="index"/>'s value.</summary>
    public double this[int index] => nodes[leaves + index];

    /// <summary>Sets leaf <paramref name="index"/> and updates the sums above it.</summary>
    public void Set(int index, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A priority must be finite and non-negative.");
        int node = leaves + index;
        nodes[node] = value;
        for (node >>= 1; node >= 1; node >>= 1) nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
    }

    /// <summary>
    /// The leaf at which the running sum of leaves (in index order) first exceeds <paramref name="mass"/>, for
    /// <paramref name="mass"/> in [0, <see cref="Total"/>); never a leaf of value 0.
    /// </summary>
    public int Find(double mass)
    {
        if (!(Total > 0)) throw new InvalidOperationException("Every priority is 0; there is nothing to sample.");
        // Every node the walk visits has a positive sum, so the leaf it ends on has a positive value, even when rounding
        // leaves mass slightly above a subtree's sum.
        int node = 1;
        while (node < leaves)
        {
            int left = 2 * node;
            if (nodes[left + 1] > 0 && (mass >= nodes[left] || nodes[left] <= 0))
            {
                mass -= nodes[left];
                node = left + 1;
            }
            else
            {
                mass = Math.Min(mass, Math.BitDecrement(nodes[left]));
                node = left;
            }
        }
        return node - leaves;
    }

    /// <summary>All leaf values (for checkpoints).</summary>
    public double[] Leaves() => nodes.AsSpan(leaves, Capacity).ToArray();

    /// <summary>Restores leaf values from <see cref="Leaves"/>.</summary>
    public void Restore(ReadOnlySpan<double> values)
    {
        if (values.Length != Capacity) throw new InvalidDataException($"The priorities hold {values.Length} leaves; the tree has {Capacity}.");
        Array.Clear(nodes);
        values.CopyTo(nodes.AsSpan(leaves));
        for (int node = leaves - 1; node >= 1; node--) nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
    }
}
