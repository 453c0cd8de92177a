using System.Text.RegularExpressions;

namespace Plasticity.ML.Tests.Training;

/// <summary>
/// The one hidden-Scalar form the build's ban (BannedSymbols.txt, RS0030) cannot see: <c>value.ToScalar()</c> passed
/// straight to a call, which leaves the Scalar as unreachable during the native call as an implicit conversion does.
/// Every <c>ToScalar(...)</c> in the repository's C# must bind its Scalar to something that keeps it alive.
/// </summary>
[TestClass]
public sealed partial class ScalarUsageRulesTests
{
    // using var s = v.ToScalar();   static readonly Scalar S = v.ToScalar();   field = v.ToScalar(); (in a constructor):
    // the ToScalar call must end the statement, so t.mul(v.ToScalar()) on the right-hand side does not pass.
    [GeneratedRegex(@"^\s*(using var \w+ = |(private |public |internal )?static readonly Scalar \w+ = |\w+ = )[^;]*ToScalar\([^()]*\);\s*$")]
    private static partial Regex KeptAlive();

    [TestMethod]
    public void EveryToScalarIsBoundToAUsingOrAField()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Plasticity.ML.sln")))
            root = Path.GetDirectoryName(root) ?? throw new AssertInconclusiveException("the repository root is not above the test's output folder");
        var offenders = new List<string>();
        int checkedLines = 0;
        foreach (string folder in new[] { "Plasticity.ML", "Plasticity.ML.Estimators", "samples", "tests" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")) continue;
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    string line = lines[i];
                    int comment = line.IndexOf("//", StringComparison.Ordinal);
                    string code = comment >= 0 ? line[..comment] : line;
                    if (!code.Contains("ToScalar(", StringComparison.Ordinal) || code.Contains("\"", StringComparison.Ordinal)) continue;
                    checkedLines++;
                    if (!KeptAlive().IsMatch(code)) offenders.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {line.Trim()}");
                }
            }
        }
        Assert.IsGreaterThan(20, checkedLines, "the scan found almost no ToScalar calls; is it looking at the repository?");
        Assert.IsEmpty(offenders, "ToScalar() not bound to a using or a field:\n" + string.Join("\n", offenders));
    }
}
