using System.Diagnostics;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>Small helpers for the console suites: percentiles, durations and a markdown table writer.</summary>
internal static class Stats
{
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (rank - lo));
    }

    public static double ElapsedMs(long start, long end) => (end - start) * 1000.0 / Stopwatch.Frequency;

    public static string Ms(double value) => value < 10 ? value.ToString("0.000") : value.ToString("0.0");
}

/// <summary>Prints a GitHub markdown table so console results paste into docs/benchmarks.md unchanged.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public MarkdownTable Add(params object[] cells)
    {
        _rows.Add([.. cells.Select(c => Convert.ToString(c, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)]);
        return this;
    }

    public void Print(TextWriter? writer = null)
    {
        writer ??= Console.Out;
        writer.WriteLine("| " + string.Join(" | ", headers) + " |");
        writer.WriteLine("|" + string.Join("|", headers.Select((_, i) => i == 0 ? " --- " : " ---: ")) + "|");
        foreach (var row in _rows)
        {
            writer.WriteLine("| " + string.Join(" | ", row) + " |");
        }

        writer.WriteLine();
    }
}
