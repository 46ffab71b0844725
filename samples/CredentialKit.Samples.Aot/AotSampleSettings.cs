using Amazon.Extensions.NETCore.Setup;

namespace CredentialKit.Samples.Aot;

/// <summary>
/// The sample's command line: the STS endpoint, and the source keys and roles of the chain. The defaults are LocalSts's
/// demo world (<c>LocalStsOptions.CreateDemo()</c>): fake keys that work only against a LocalSts on loopback.
/// </summary>
internal sealed class AotSampleSettings
{
    public const string Usage =
        "usage: CredentialKit.Samples.Aot --sts-endpoint <url> [--access-key-id <id> --secret-access-key <key>] [--role-arn <arn> --external-id <id> ...]";

    // LocalSts's demo user and roles; fake values, public on purpose.
    private const string DemoAccessKeyId = "AKIALOCALSTSDEMO0001";
    private const string DemoSecretAccessKey = "localStsDemoSecretKey/NotARealSecret0001";
    private const string DemoHubRoleArn = "arn:aws:iam::111122223333:role/hub";
    private const string DemoReportsRoleArn = "arn:aws:iam::444455556666:role/reports";
    private const string DemoReportsExternalId = "r-7731";

    private readonly List<(string RoleArn, string? ExternalId)> _roles = [];

    private AotSampleSettings(Uri endpoint) => Endpoint = endpoint;

    public Uri Endpoint { get; }

    public string AccessKeyId { get; private set; } = DemoAccessKeyId;

    public string SecretAccessKey { get; private set; } = DemoSecretAccessKey;

    public IEnumerable<string> RoleArns => _roles.Select(r => r.RoleArn);

    public static bool TryParse(string[] args, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AotSampleSettings? settings, out string problem)
    {
        settings = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var roles = new List<(string, string?)>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"'{args[i]}' is not an option with a value.";
                return false;
            }

            switch (args[i])
            {
                case "--role-arn":
                    roles.Add((args[i + 1], null));
                    break;
                case "--external-id" when roles.Count > 0:
                    roles[^1] = (roles[^1].Item1, args[i + 1]);
                    break;
                case "--sts-endpoint" or "--access-key-id" or "--secret-access-key":
                    values[args[i]] = args[i + 1];
                    break;
                default:
                    problem = $"'{args[i]}' is not a known option (an --external-id follows its --role-arn).";
                    return false;
            }
        }

        if (!values.TryGetValue("--sts-endpoint", out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var endpoint))
        {
            problem = "--sts-endpoint must be an absolute URL, such as http://127.0.0.1:4787/.";
            return false;
        }

        settings = new AotSampleSettings(endpoint)
        {
            AccessKeyId = values.GetValueOrDefault("--access-key-id", DemoAccessKeyId),
            SecretAccessKey = values.GetValueOrDefault("--secret-access-key", DemoSecretAccessKey),
        };
        settings._roles.AddRange(roles.Count > 0 ? roles : [(DemoHubRoleArn, null), (DemoReportsRoleArn, DemoReportsExternalId)]);
        problem = string.Empty;
        return true;
    }

    public void ConfigureProfile(CredentialKitProfileOptions options)
    {
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = AccessKeyId;
        options.Source.SecretAccessKey = SecretAccessKey;
        options.Sts.ServiceUrl = Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        foreach (var (roleArn, externalId) in _roles)
        {
            options.Roles.Add(new AssumeRoleOptions { RoleArn = roleArn, ExternalId = externalId, RoleSessionName = "aot-sample" });
        }
    }

    /// <summary>The application's own SDK options: where its clients send requests (here the same endpoint).</summary>
    public AWSOptions SdkOptions()
    {
        var options = new AWSOptions { Region = Amazon.RegionEndpoint.USEast1 };
        options.DefaultClientConfig.ServiceURL = Endpoint.ToString();
        options.DefaultClientConfig.AuthenticationRegion = "us-east-1";
        return options;
    }
}
