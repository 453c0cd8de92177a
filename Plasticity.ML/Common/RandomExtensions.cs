namespace Plasticity.ML.Common;

/// <summary>Sampling helpers over <see cref="Random"/> so that all randomness flows from explicit seeds.</summary>
public static class RandomExtensions
{
    /// <summary>A standard normal sample (Box-Muller).</summary>
    public static double NextGaussian(this Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A uniform sample from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static double NextUniform(this Random random, double low, double high) =>
        low + (high - low) * random.NextDouble();

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates).</summary>
    public static int[] Permutation(this Random random, int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
