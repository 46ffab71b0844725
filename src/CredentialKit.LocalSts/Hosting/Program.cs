using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>Command-line host: <c>--port N</c> (default 4566) and <c>--config file.json</c> (default: the demo world).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        int? port = null;
        string? config = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length:
                    port = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--config" when i + 1 < args.Length:
                    config = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown argument '{args[i]}'. Usage: [--port N] [--config localsts.json]");
                    return 2;
            }
        }

        var options = config is null ? LocalStsOptions.CreateDemo() : LocalStsOptions.LoadFromJsonFile(config);
        options.Port = port ?? (options.Port == 0 ? LocalStsDefaults.ProgramPort : options.Port);

        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
        await using var server = await LocalStsServer.StartNewAsync(options, TimeProvider.System, loggerFactory);

        Console.WriteLine($"LocalSts (fake AWS STS) listening on {server.Endpoint}");
        Console.WriteLine("These are local, fake credentials for the emulator only:");
        foreach (var account in options.Accounts)
        {
            Console.WriteLine($"  account {account.AccountId}");
            foreach (var user in account.Users)
            {
                Console.WriteLine($"    user {account.UserArn(user.UserName)}  AccessKeyId={user.AccessKeyId}  SecretAccessKey={user.SecretAccessKey}");
            }

            foreach (var role in account.Roles)
            {
                var extra = (role.RequiredExternalId is null ? string.Empty : $"  ExternalId={role.RequiredExternalId}") + (role.RequireMfa ? "  (MFA required)" : string.Empty);
                Console.WriteLine($"    role {account.RoleArn(role.RoleName)}  trusts {string.Join(", ", role.TrustedPrincipals)}{extra}");
            }
        }

        Console.WriteLine("Press Ctrl+C to stop.");
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        await stop.Task;
        return 0;
    }
}
