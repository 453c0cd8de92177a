using System.Globalization;
using System.Text;
using Plasticity.ML.Common;

namespace Plasticity.Lab.Reporting;

/// <summary>A one-page Markdown report, built section by section and written atomically.</summary>
public sealed class MarkdownReport
{
    private readonly StringBuilder text = new();

    /// <summary>Starts a report with a title.</summary>
    public MarkdownReport(string title) => text.Append("# ").AppendLine(title).AppendLine();

    /// <summary>Adds a section heading.</summary>
    public MarkdownReport Heading(string heading)
    {
        text.Append("## ").AppendLine(heading).AppendLine();
        return this;
    }

    /// <summary>Adds a paragraph.</summary>
    public MarkdownReport Paragraph(string paragraph)
    {
        text.AppendLine(paragraph).AppendLine();
        return this;
    }

    /// <summary>Adds an image by relative path.</summary>
    public MarkdownReport Image(string alt, string relativePath)
    {
        text.Append(CultureInfo.InvariantCulture, $"![{alt}]({relativePath})").AppendLine().AppendLine();
        return this;
    }

    /// <summary>Adds a table.</summary>
    public MarkdownReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        text.Append("| ").Append(string.Join(" | ", header)).AppendLine(" |");
        text.Append('|').Append(string.Concat(header.Select(_ => " --- |"))).AppendLine();
        foreach (var row in rows) text.Append("| ").Append(string.Join(" | ", row)).AppendLine(" |");
        text.AppendLine();
        return this;
    }

    /// <summary>Adds a fenced code block.</summary>
    public MarkdownReport Code(string code, string language = "")
    {
        text.Append("```").AppendLine(language).AppendLine(code.TrimEnd()).AppendLine("```").AppendLine();
        return this;
    }

    /// <summary>The Markdown text.</summary>
    public override string ToString() => text.ToString();

    /// <summary>Writes the report to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToString());
}
