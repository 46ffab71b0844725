using System.Net;

namespace CredentialKit.LocalSts.Tool;

/// <summary>What <c>localsts</c> prints once it listens: the identities of the world, then one ready line last.</summary>
/// <remarks>The ready line is the contract for scripts and test fixtures: it starts with <c>LocalSts ready on </c>, names the
/// endpoint and the first user's keys, and nothing is printed on stdout after it until the process stops.</remarks>
internal static class ReadyBanner
{
    public const string ReadyPrefix = "LocalSts ready on ";

    public static void Write(TextWriter output, LocalStsServer server)
    {
        var options = server.Options;
        output.WriteLine("These are local, fake credentials for the emulator only:");
        foreach (var account in options.Accounts)
        {
            output.WriteLine($"  account {account.AccountId}");
            foreach (var user in account.Users)
            {
                var mfa = user.MfaSerialNumber is null ? string.Empty : $"  MFA {user.MfaSerialNumber}" + (user.MfaFixedCode is null ? string.Empty : $" (code {user.MfaFixedCode})");
                output.WriteLine($"    user {account.UserArn(user.UserName)}  AccessKeyId={user.AccessKeyId}  SecretAccessKey={user.SecretAccessKey}{mfa}");
            }

            foreach (var role in account.Roles)
            {
                var extra = (role.RequiredExternalId is null ? string.Empty : $"  ExternalId={role.RequiredExternalId}")
                    + (role.RequireMfa ? "  (MFA required)" : string.Empty);
                output.WriteLine($"    role {account.RoleArn(role.RoleName)}  trusts {string.Join(", ", role.TrustedPrincipals)}{extra}");
            }
        }

        if (options.EnableControlApi)
        {
            output.WriteLine($"Control API: {server.Endpoint}_localsts/ (health, faults, outage, rate-limit, clock, sessions, journal, reset, tokens)");
        }

        if (IPAddress.Parse(options.ListenAddress) is var listen && (listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any)))
        {
            output.WriteLine($"Listening on all addresses ({options.ListenAddress}) on port {server.Endpoint.Port}: other machines and containers use this machine's address.");
        }

        var keys = options.Accounts.SelectMany(a => a.Users).FirstOrDefault() is { } first
            ? $" with AWS_ACCESS_KEY_ID={first.AccessKeyId} AWS_SECRET_ACCESS_KEY={first.SecretAccessKey}"
            : " (the world file defines no user)";
        output.WriteLine($"{ReadyPrefix}{server.Endpoint}{keys}");
        output.Flush();
    }
}
