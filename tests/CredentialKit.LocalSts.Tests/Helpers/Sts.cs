using Amazon.Runtime;
using Amazon.SecurityToken;
using CredentialKit.Testing;

namespace CredentialKit.LocalSts.Tests.Helpers;

/// <summary>Builds servers on loopback and real SDK clients pointed at them.</summary>
internal static class Sts
{
    public static BasicAWSCredentials DemoUser => new(LocalStsDemo.AccessKeyId, LocalStsDemo.SecretAccessKey);

    public static async Task<(LocalStsServer Server, ManualTimeProvider Time)> StartDemoAsync(Action<LocalStsOptions>? configure = null)
    {
        var time = new ManualTimeProvider();
        var options = LocalStsOptions.CreateDemo();

        // The manual clock starts far from the wall clock the SDK signs with; skew tests turn the check back on.
        options.MaxRequestSkew = null;
        configure?.Invoke(options);
        var server = await LocalStsServer.StartNewAsync(options, time);
        return (server, time);
    }

    public static AmazonSecurityTokenServiceClient Client(LocalStsServer server, AWSCredentials? credentials = null, int maxErrorRetry = 0, TimeSpan? timeout = null)
    {
        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = server.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = maxErrorRetry,
        };
        if (timeout is { } t)
        {
            config.Timeout = t;
        }

        return new AmazonSecurityTokenServiceClient(credentials ?? DemoUser, config);
    }

    public static SessionAWSCredentials AsCredentials(Amazon.SecurityToken.Model.Credentials c) => new(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
}
