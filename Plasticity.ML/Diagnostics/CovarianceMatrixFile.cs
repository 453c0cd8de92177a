using System.Globalization;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Reads back the files <see cref="StatisticsPanelArtifact.WriteFiles"/> writes: the C_k matrix
/// (<c>{prefix}-ck.csv</c>, invariant culture) and its labels (<c>{prefix}-ck-labels.csv</c>, one per line).
/// </summary>
public static class CovarianceMatrixFile
{
    /// <summary>The square matrix of a <c>-ck.csv</c> file.</summary>
    /// <exception cref="InvalidDataException">The file is not a square matrix of numbers.</exception>
    public static double[][] ReadMatrix(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var matrix = new double[lines.Length][];
        for (int i = 0; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != lines.Length)
                throw new InvalidDataException($"{path}: line {i + 1} has {cells.Length} values; a {lines.Length}-row C_k needs {lines.Length}.");
            matrix[i] = new double[cells.Length];
            for (int j = 0; j < cells.Length; j++)
                if (!double.TryParse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture, out matrix[i][j]))
                    throw new InvalidDataException($"{path}: line {i + 1}, value {j + 1} ('{cells[j]}') is not a number.");
        }
        return matrix;
    }

    /// <summary>The labels of a <c>-ck-labels.csv</c> file, in matrix order.</summary>
    /// <exception cref="InvalidDataException">A line is not an integer.</exception>
    public static long[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return File.ReadAllLines(path).Where(l => l.Length > 0).Select((l, i) =>
            long.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"{path}: line {i + 1} ('{l}') is not an integer label.")).ToArray();
    }
}
