namespace Plasticity.ML.Common;

/// <summary>Names made safe to be part of a file name on every platform.</summary>
internal static class FileNames
{
    /// <summary>
    /// <paramref name="name"/> with every character other than a letter, a digit, '-', '_' or one of
    /// <paramref name="alsoKept"/> replaced by '_'.
    /// </summary>
    /// <param name="name">A variant's, track's or experiment's name.</param>
    /// <param name="alsoKept">Further characters to keep (a file name that joins several names with '.' must not keep '.').</param>
    public static string Sanitize(string name, string alsoKept = "") =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' || alsoKept.Contains(c) ? c : '_'));
}
