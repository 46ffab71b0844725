using CredentialKit.LocalSts;

namespace CredentialKit.Samples.ConsoleApp;

/// <summary>Builds the chain the sample runs: source → hub (transitive tag) → reports (external id).</summary>
internal static class DemoChain
{
    /// <summary>Sessions on the embedded LocalSts last 20 s, so the refresh settings are scaled down to match.</summary>
    public static readonly TimeSpan LocalSessionLifetime = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long the injected outage lasts: shorter than the usable rest of a session entering its refresh window
    /// (RefreshAhead − MinimumLifetime = 8 s), so the service rides through it on cached credentials.
    /// </summary>
    public static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(5);

    public static CredentialKitProfileOptions ForLocalSts(Uri endpoint)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Static;
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        var hub = new AssumeRoleOptions { RoleArn = LocalStsDemo.HubRoleArn, RoleSessionName = "console-sample" };
        hub.Tags["team"] = "data";
        hub.TransitiveTagKeys.Add("team");
        options.Roles.Add(hub);
        options.Roles.Add(new AssumeRoleOptions
        {
            RoleArn = LocalStsDemo.ReportsRoleArn,
            RoleSessionName = "console-sample",
            ExternalId = LocalStsDemo.ReportsExternalId,
        });
        options.Sts.ServiceUrl = endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";

        // The production defaults scaled to 20-second sessions: refresh in the last 10 s (jittered over its first half),
        // never hand out less than 2 s, retry quickly.
        options.Refresh.RefreshAhead = TimeSpan.FromSeconds(10);
        options.Refresh.MinimumLifetime = TimeSpan.FromSeconds(2);
        options.Refresh.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.Refresh.RetryMaxDelay = TimeSpan.FromMilliseconds(500);
        options.Refresh.AttemptTimeout = TimeSpan.FromSeconds(1);
        options.Refresh.FailedRefreshRetryDelay = TimeSpan.FromSeconds(1);
        options.Refresh.ErrorCacheDuration = TimeSpan.FromMilliseconds(500);
        return options;
    }

    public static CredentialKitProfileOptions ForRealAws(DemoSettings settings)
    {
        var options = new CredentialKitProfileOptions();
        if (settings.AwsProfile is not null)
        {
            // A shared-config profile; if it is itself a role chain (role_arn, source_profile), each hop becomes a
            // CredentialKit hop with its own refresh.
            options.Source.Type = SourceCredentialsType.Profile;
            options.Source.ProfileName = settings.AwsProfile;
        }
        else
        {
            options.Source.Type = SourceCredentialsType.Default;
        }

        foreach (var arn in settings.RoleArns)
        {
            options.Roles.Add(new AssumeRoleOptions { RoleArn = arn, RoleSessionName = "credentialkit-console-sample" });
        }

        options.Sts.Region = settings.Region;
        return options;
    }

    /// <summary>The first <paramref name="hops"/> roles of <paramref name="chain"/>: a provider per hop shows each hop's state.</summary>
    public static CredentialKitProfileOptions Prefix(CredentialKitProfileOptions chain, int hops)
    {
        var prefix = new CredentialKitProfileOptions();
        prefix.Source.Type = chain.Source.Type;
        prefix.Source.AccessKeyId = chain.Source.AccessKeyId;
        prefix.Source.SecretAccessKey = chain.Source.SecretAccessKey;
        prefix.Source.SessionToken = chain.Source.SessionToken;
        prefix.Source.Credentials = chain.Source.Credentials;
        prefix.Source.ProfileName = chain.Source.ProfileName;
        foreach (var role in chain.Roles.Take(hops))
        {
            prefix.Roles.Add(role);
        }

        prefix.Sts.Region = chain.Sts.Region;
        prefix.Sts.ServiceUrl = chain.Sts.ServiceUrl;
        prefix.Sts.AuthenticationRegion = chain.Sts.AuthenticationRegion;
        prefix.Refresh.RefreshAhead = chain.Refresh.RefreshAhead;
        prefix.Refresh.MinimumLifetime = chain.Refresh.MinimumLifetime;
        prefix.Refresh.JitterFraction = chain.Refresh.JitterFraction;
        prefix.Refresh.MaxRetryAttempts = chain.Refresh.MaxRetryAttempts;
        prefix.Refresh.RetryBaseDelay = chain.Refresh.RetryBaseDelay;
        prefix.Refresh.RetryMaxDelay = chain.Refresh.RetryMaxDelay;
        prefix.Refresh.AttemptTimeout = chain.Refresh.AttemptTimeout;
        prefix.Refresh.FailedRefreshRetryDelay = chain.Refresh.FailedRefreshRetryDelay;
        prefix.Refresh.ErrorCacheDuration = chain.Refresh.ErrorCacheDuration;
        prefix.Refresh.BackgroundRefresh = chain.Refresh.BackgroundRefresh;
        return prefix;
    }
}
