namespace CredentialKit.Samples.ConsoleApp;

/// <summary>Command-line settings of the console sample.</summary>
internal sealed record DemoSettings(TimeSpan Duration, string? AwsProfile, string? Region, IReadOnlyList<string> RoleArns, string? TimelinePath)
{
    public bool UsesRealAws => AwsProfile is not null || RoleArns.Count > 0;

    public static DemoSettings Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(60);
        string? profile = null, region = null, timeline = null;
        var roles = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--duration":
                    duration = ParseDuration(Next());
                    break;
                case "--profile":
                    profile = Next();
                    break;
                case "--region":
                    region = Next();
                    break;
                case "--role-arn":
                    roles.Add(Next());
                    break;
                case "--timeline":
                    timeline = Next();
                    break;
                case "-h" or "--help":
                    throw new ArgumentException(Usage);
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}");
            }
        }

        return new DemoSettings(duration, profile, region, roles, timeline);
    }

    /// <summary>Seconds, whole or not ("90", "1.5"), at least one; anything else is a usage error, not a crash.</summary>
    private static TimeSpan ParseDuration(string text)
    {
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds < 1 || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            throw new ArgumentException($"--duration takes a number of seconds from 1 to 86400, such as 60 or 90.5; got '{text}'.\n{Usage}");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public const string Usage = """
        Usage: dotnet run --project samples/CredentialKit.Samples.Console -- [options]
          (no options)           run against an embedded LocalSts with 20-second sessions
          --duration <seconds>   how long to run, 1 to 86400 (default 60)
          --timeline <file.svg>  write the refresh timeline of the run as an SVG picture
          --profile <name>       real AWS: start from this shared-config profile (its role chain included)
          --region <region>      real AWS: STS region (default: the SDK's)
          --role-arn <arn>       real AWS: a role to assume on top; repeat for a chain
        """;
}
