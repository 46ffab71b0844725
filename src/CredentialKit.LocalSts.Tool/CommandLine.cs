using System.Globalization;

namespace CredentialKit.LocalSts.Tool;

/// <summary>The parsed command line of <c>localsts</c>.</summary>
internal sealed record CommandLine(
    int? Port, string? ListenAddress, string? ConfigPath, bool AllowRemoteControl, bool NoControlApi, bool Help)
{
    public const string Usage = """
        Usage: localsts [--port N] [--listen ADDRESS] [--config world.json] [--allow-remote-control] [--no-control-api]

          --port N                 TCP port (default 4787; 0 picks a free port)
          --listen ADDRESS         IP address to listen on (default 127.0.0.1)
          --config FILE            the world file: accounts, users, roles, OIDC/SAML providers, MFA devices
                                   (default: the built-in demo world; see world.example.jsonc in the package)
          --allow-remote-control   let non-loopback clients use the control API under /_localsts/
          --no-control-api         do not serve the control API
          -h, --help               show this help

        Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad arguments or world file, 3 address already in use.
        """;

    /// <summary>Parses <paramref name="args"/>, or returns the problem as <paramref name="error"/>.</summary>
    public static CommandLine? TryParse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        int? port = null;
        string? listen = null, config = null;
        bool allowRemote = false, noControl = false, help = false;
        for (var i = 0; i < args.Count; i++)
        {
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (args[i])
            {
                case "--port":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
                    {
                        error = $"--port needs a number from 0 to 65535; got '{text}'.";
                        return null;
                    }

                    port = p;
                    break;
                case "--listen":
                    listen = Value() ?? Fail(out error, "--listen needs an IP address, for example 127.0.0.1 or 0.0.0.0.");
                    break;
                case "--config":
                    config = Value() ?? Fail(out error, "--config needs a file path.");
                    break;
                case "--allow-remote-control":
                    allowRemote = true;
                    break;
                case "--no-control-api":
                    noControl = true;
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                default:
                    error = $"Unknown argument '{args[i]}'.";
                    return null;
            }

            if (error is not null)
            {
                return null;
            }
        }

        return new CommandLine(port, listen, config, allowRemote, noControl, help);
    }

    private static string? Fail(out string? error, string message)
    {
        error = message;
        return null;
    }
}
