using CredentialKit.LocalSts;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CredentialKit.Samples.ConsoleApp;

/// <summary>
/// Renders each hop (role, masked access key id, time left, refresh count, state) and the event log, live with
/// Spectre.Console on a terminal, or as a plain status line every few seconds when output is redirected.
/// </summary>
internal sealed class LiveView(IReadOnlyList<ICredentialProvider> hops, EventLog events, LocalStsServer? sts, TimeSpan duration)
{
    private const int EventLines = 12;

    public async Task RunAsync(Func<(long Served, long Failed, long Expired)> counters, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            await RunPlainAsync(counters, cancellationToken);
            return;
        }

        await AnsiConsole.Live(Render(counters())).AutoClear(false).StartAsync(async context =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                context.UpdateTarget(Render(counters()));
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            context.UpdateTarget(Render(counters()));
        });
    }

    public void PrintSummary(DemoSummary summary)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(
                $"Summary: calls served {summary.CallsServed:N0}, calls that got an error {summary.CallsFailed:N0}, STS calls {summary.StsCalls:N0}, " +
                $"STS faults injected and survived {summary.FaultsSurvived:N0}, expired credentials handed out {summary.ExpiredHandedOut}");
            Console.WriteLine("Final state: " + string.Join(" | ", hops.Select(h => Describe(h.GetStatus()))));
            return;
        }

        var table = new Table().Title("[bold]Summary[/]").AddColumn("What").AddColumn(new TableColumn("Count").RightAligned());
        table.AddRow("Calls served", summary.CallsServed.ToString("N0"));
        table.AddRow("Calls that got an error", summary.CallsFailed.ToString("N0"));
        table.AddRow("STS calls", summary.StsCalls.ToString("N0"));
        table.AddRow("STS faults injected and survived", summary.FaultsSurvived.ToString("N0"));
        table.AddRow("Expired credentials handed out", $"[{(summary.ExpiredHandedOut == 0 ? "green" : "red")}]{summary.ExpiredHandedOut}[/]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Final state: " + Markup.Escape(string.Join(" | ", hops.Select(h => Describe(h.GetStatus())))));
    }

    private async Task RunPlainAsync(Func<(long Served, long Failed, long Expired)> counters, CancellationToken cancellationToken)
    {
        var shown = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            var all = events.All;
            foreach (var e in all.Skip(shown).Where(IsShown))
            {
                Console.WriteLine($"  {e.At:mm\\:ss\\.f}  {e.Message}");
            }

            shown = all.Count;
            var (served, failed, expired) = counters();
            Console.WriteLine($"[{events.Elapsed:mm\\:ss}] served {served:N0}, errors {failed}, expired handed out {expired} | " +
                string.Join(" | ", hops.Select(h => Describe(h.GetStatus()))));
        }
    }

    private IRenderable Render((long Served, long Failed, long Expired) counters)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Hop").AddColumn("Role").AddColumn("Access key").AddColumn(new TableColumn("Time left").RightAligned())
            .AddColumn(new TableColumn("Refreshes").RightAligned()).AddColumn("State");
        for (var i = 0; i < hops.Count; i++)
        {
            var status = hops[i].GetStatus();
            table.AddRow(
                (i + 1).ToString(),
                Markup.Escape(status.RoleArn ?? "?"),
                Markup.Escape(status.MaskedAccessKeyId ?? "-"),
                status.RemainingLifetime is { } left ? $"{left.TotalSeconds:0.0} s" : "-",
                status.RefreshCount.ToString(),
                StateMarkup(status));
        }

        var log = new Rows(events.All.Where(IsShown).TakeLast(EventLines)
            .Select(e => new Markup($"[grey]{e.At:mm\\:ss\\.f}[/] {Colour(e)}{Markup.Escape(e.Message)}[/]")));
        var elapsed = events.Elapsed;
        var header = new Markup(
            $"[bold]CredentialKit[/] live view — {(sts is null ? "real AWS" : $"LocalSts at {Markup.Escape(sts.Endpoint.ToString())}")} — " +
            $"{elapsed:mm\\:ss} / {duration:mm\\:ss}   served [green]{counters.Served:N0}[/]   errors [red]{counters.Failed}[/]   " +
            $"expired handed out [{(counters.Expired == 0 ? "green" : "red")}]{counters.Expired}[/]");
        return new Rows(header, table, new Panel(log).Header("Events").Expand());
    }

    private static bool IsShown(DemoEvent e) => e.EventId != 1; // "refresh started" is noise next to "refreshed"

    private static string Colour(DemoEvent e) => e.Level switch
    {
        >= LogLevel.Error => "[red]",
        LogLevel.Warning => "[yellow]",
        _ when e.EventId == 0 => "[fuchsia]",
        _ when e.EventId == 7 => "[orange1]",
        _ => "[white]",
    };

    private static string StateMarkup(CredentialProviderStatus status) => status.State switch
    {
        CredentialProviderState.Fresh => "[green]fresh[/]",
        CredentialProviderState.ServingCachedAfterFailure => $"[yellow]cached after {Markup.Escape(status.LastErrorCode ?? "failure")}[/]",
        CredentialProviderState.BelowMinimumLifetime => "[orange1]below minimum lifetime[/]",
        _ => "[red]no credentials[/]",
    };

    private static string Describe(CredentialProviderStatus status) =>
        $"{status.RoleArn?[(status.RoleArn.LastIndexOf('/') + 1)..]} {status.MaskedAccessKeyId} " +
        $"{status.RemainingLifetime?.TotalSeconds:0}s #{status.RefreshCount} {status.State}";
}
