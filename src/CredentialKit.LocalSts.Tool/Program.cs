using System.Runtime.InteropServices;
using CredentialKit.LocalSts;
using CredentialKit.LocalSts.Tool;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

// localsts: the LocalSts emulator as a process a service manager can run. It prints one ready line on stdout once it
// listens, stops cleanly on SIGTERM or SIGINT (docker stop, systemd, CI), and exits non-zero with one clear line on stderr
// when its arguments, its world file or its address are wrong.
var commandLine = CommandLine.TryParse(args, out var argumentError);
if (commandLine is null)
{
    await Console.Error.WriteLineAsync($"localsts: {argumentError}\n\n{CommandLine.Usage}");
    return ExitCodes.BadArguments;
}

if (commandLine.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return ExitCodes.Stopped;
}

LocalStsOptions options;
try
{
    options = commandLine.ConfigPath is null ? LocalStsOptions.CreateDemo() : LocalStsOptions.LoadFromJsonFile(commandLine.ConfigPath);
    options.Port = commandLine.Port ?? (options.Port == 0 ? ExitCodes.DefaultPort : options.Port);
    options.ListenAddress = commandLine.ListenAddress ?? options.ListenAddress;
    options.AllowRemoteControlApi |= commandLine.AllowRemoteControl;
    options.EnableControlApi &= !commandLine.NoControlApi;
}
catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"localsts: cannot read the world file '{commandLine.ConfigPath}': {ex.Message}");
    return ExitCodes.BadArguments;
}

// Logs go to stderr: stdout carries only the banner and the ready line, for scripts to read.
using var loggerFactory = LoggerFactory.Create(b => b
    .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
    .AddSimpleConsole(o => o.SingleLine = true)
    .SetMinimumLevel(LogLevel.Information)
    .AddFilter("Microsoft", LogLevel.Warning)

    // The host logs a failed start (a port in use) with its stack trace before the exception reaches the one clear line below.
    .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));

// Registered before start so a SIGTERM during start-up is not lost; Cancel keeps the runtime from killing the process
// before the server has stopped.
var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

LocalStsServer server;
try
{
    server = await LocalStsServer.StartNewAsync(options, TimeProvider.System, loggerFactory);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"localsts: invalid settings: {ex.Message}");
    return ExitCodes.BadArguments;
}
catch (IOException ex) when (ex.InnerException is AddressInUseException)
{
    await Console.Error.WriteLineAsync(
        $"localsts: cannot listen on {options.ListenAddress}:{options.Port}: the address is already in use. Stop the other process or pick another --port.");
    return ExitCodes.AddressInUse;
}
catch (IOException ex)
{
    await Console.Error.WriteLineAsync($"localsts: cannot listen on {options.ListenAddress}:{options.Port}: {ex.Message}");
    return ExitCodes.AddressInUse;
}

await using (server)
{
    ReadyBanner.Write(Console.Out, server);
    var signal = await stop.Task;
    Console.WriteLine($"LocalSts stopping ({signal}).");
}

Console.WriteLine("LocalSts stopped.");
return ExitCodes.Stopped;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult(context.Signal.ToString());
}
