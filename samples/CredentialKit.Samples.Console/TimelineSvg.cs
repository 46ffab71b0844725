using System.Globalization;
using System.Text;

namespace CredentialKit.Samples.ConsoleApp;

/// <summary>
/// Draws the refresh timeline of a run as an SVG: one lane per hop with each session as a bar from issue to expiry,
/// its scheduled refresh moment, retries and served-cached warnings, and the injected faults as vertical markers.
/// </summary>
internal static class TimelineSvg
{
    private const int Left = 190;
    private const int Width = 1100;
    private const int LaneHeight = 70;
    private const int Top = 60;

    public static void Write(string path, IReadOnlyList<DemoEvent> events, IReadOnlyList<string> roleArns, DateTimeOffset startedAt, TimeSpan duration)
    {
        var span = duration.TotalSeconds + 22; // room for the last sessions' tails
        double X(double seconds) => Left + (Math.Clamp(seconds, 0, span) / span * (Width - Left - 20));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var height = Top + (roleArns.Count * LaneHeight) + 90;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">""");
        svg.AppendLine("""<rect width="100%" height="100%" fill="white"/>""");
        svg.AppendLine("""<text x="20" y="28" font-size="16" font-weight="bold">CredentialKit refresh timeline (console sample against LocalSts, 20-second sessions)</text>""");

        // Time axis.
        var axisY = Top + (roleArns.Count * LaneHeight) + 10;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{Left}" y1="{axisY}" x2="{Width - 20}" y2="{axisY}" stroke="#444"/>""");
        for (var s = 0; s <= span; s += 5)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(s))}" y1="{axisY}" x2="{F(X(s))}" y2="{axisY + 5}" stroke="#444"/><text x="{F(X(s))}" y="{axisY + 18}" text-anchor="middle" fill="#444">{s}s</text>""");
        }

        // Injected faults: vertical markers across every lane.
        var notes = events.Where(e => e.EventId == 0).ToList();
        var outageStart = notes.FirstOrDefault(n => n.Message.StartsWith("STS outage started", StringComparison.Ordinal));
        var outageEnd = notes.FirstOrDefault(n => n.Message.StartsWith("STS outage ended", StringComparison.Ordinal));
        if (outageStart is not null)
        {
            var end = outageEnd?.At.TotalSeconds ?? duration.TotalSeconds;
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{F(X(outageStart.At.TotalSeconds))}" y="{Top - 10}" width="{F(X(end) - X(outageStart.At.TotalSeconds))}" height="{roleArns.Count * LaneHeight}" fill="#f8d7da" opacity="0.7"/><text x="{F(X(outageStart.At.TotalSeconds) + 3)}" y="{Top - 14}" fill="#a00">STS outage (503)</text>""");
        }

        foreach (var note in notes.Where(n => n.Message.StartsWith("Injected", StringComparison.Ordinal)))
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(note.At.TotalSeconds))}" y1="{Top - 10}" x2="{F(X(note.At.TotalSeconds))}" y2="{axisY}" stroke="#c07000" stroke-dasharray="4 3"/><text x="{F(X(note.At.TotalSeconds) + 3)}" y="{Top - 14}" fill="#c07000">throttling storm</text>""");
        }

        for (var lane = 0; lane < roleArns.Count; lane++)
        {
            var arn = roleArns[lane];
            var y = Top + (lane * LaneHeight);
            svg.AppendLine(CultureInfo.InvariantCulture, $"""<text x="20" y="{y + 22}" font-weight="bold">hop {lane + 1}: {Escape(arn[(arn.LastIndexOf('/') + 1)..])}</text><text x="20" y="{y + 38}" fill="#666" font-size="10">{Escape(arn)}</text>""");
            var mine = events.Where(e => Equals(e.Fields.GetValueOrDefault("RoleArn"), arn)).ToList();
            var row = 0;
            foreach (var refreshed in mine.Where(e => e.EventId == 2))
            {
                if (refreshed.Fields.GetValueOrDefault("Expiration") is not DateTimeOffset expiration
                    || refreshed.Fields.GetValueOrDefault("RefreshAt") is not DateTimeOffset refreshAt)
                {
                    continue;
                }

                // Alternate rows so overlapping sessions (old one still valid while the new one starts) stay visible.
                var barY = y + 8 + (row++ % 2 * 22);
                var from = refreshed.At.TotalSeconds;
                var to = (expiration - startedAt).TotalSeconds;
                var at = (refreshAt - startedAt).TotalSeconds;
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{F(X(from))}" y="{barY}" width="{F(Math.Max(1, X(to) - X(from)))}" height="16" rx="3" fill="#5b9bd5" opacity="0.85"/>""");
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{F(X(at))}" y="{barY}" width="{F(Math.Max(1, X(to) - X(at)))}" height="16" rx="3" fill="#1f4e79" opacity="0.5"/>""");
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<line x1="{F(X(at))}" y1="{barY - 2}" x2="{F(X(at))}" y2="{barY + 18}" stroke="#0a0" stroke-width="2"/>""");
            }

            foreach (var warning in mine.Where(e => e.EventId is 5 or 3))
            {
                var colour = warning.EventId == 3 ? "#d00" : "#e0a000";
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<circle cx="{F(X(warning.At.TotalSeconds))}" cy="{y + 63}" r="4" fill="{colour}"/>""");
            }

            foreach (var retry in mine.Where(e => e.EventId == 7))
            {
                svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{F(X(retry.At.TotalSeconds) - 2)}" y="{y + 47}" width="4" height="8" fill="#ff7f0e"/>""");
            }
        }

        var legendY = axisY + 40;
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{Left}" y="{legendY - 10}" width="24" height="12" fill="#5b9bd5"/><text x="{Left + 30}" y="{legendY}">session (issued → expiry)</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{Left + 200}" y="{legendY - 10}" width="24" height="12" fill="#1f4e79" opacity="0.5"/><text x="{Left + 230}" y="{legendY}">from the scheduled (jittered) refresh moment</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{Left + 545}" y="{legendY - 10}" width="4" height="10" fill="#ff7f0e"/><text x="{Left + 555}" y="{legendY}">STS retry</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<circle cx="{Left + 640}" cy="{legendY - 4}" r="4" fill="#e0a000"/><text x="{Left + 650}" y="{legendY}">refresh failed, cached session served</text>""");
        svg.AppendLine("</svg>");
        File.WriteAllText(path, svg.ToString());
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text) ?? string.Empty;
}
