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
                    duration = TimeSpan.FromSeconds(int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture));
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

    public const string Usage = """
        Usage: dotnet run --project samples/CredentialKit.Samples.Console -- [options]
          (no options)           run against an embedded LocalSts with 20-second sessions
          --duration <seconds>   how long to run (default 60)
          --timeline <file.svg>  write the refresh timeline of the run as an SVG picture
          --profile <name>       real AWS: start from this shared-config profile (its role chain included)
          --region <region>      real AWS: STS region (default: the SDK's)
          --role-arn <arn>       real AWS: a role to assume on top; repeat for a chain
        """;
}
