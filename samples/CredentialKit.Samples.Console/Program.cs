using CredentialKit.Samples.ConsoleApp;
using Spectre.Console;

// CredentialKit console sample: a live view of a refreshing role chain riding through STS faults.
// With no arguments it runs against an embedded LocalSts whose sessions last 20 seconds.
if (Console.IsOutputRedirected)
{
    // Piped or redirected: plain text only, no ANSI colour or cursor codes in the file.
    AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(Console.Out),
    });
}

DemoSettings settings;
try
{
    settings = DemoSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var summary = await new Demo(settings).RunAsync(cancel.Token);
    return summary.ExpiredHandedOut == 0 ? 0 : 1;
}
catch (Microsoft.Extensions.Options.OptionsValidationException e)
{
    // Bad settings: CredentialKit's message names each setting, its problem and what is allowed.
    Console.Error.WriteLine(e.Message);
    return 2;
}
