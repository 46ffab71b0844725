using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.Options;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// Every session-producing source through the real AWS SDK client against LocalSts, on the clock LocalSts also reads:
/// alone, and as the start of a two-role chain (source → hub → reports).
/// </summary>
public sealed class SourceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ck-it-sources-" + Guid.NewGuid().ToString("N"));

    public SourceTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>LocalSts with hub also trusting the web identity, SAML and federation starts.</summary>
    private static Task<LocalStsHarness> StartAsync() => LocalStsHarness.StartAsync(options =>
        options.Accounts.Single(a => a.AccountId == LocalStsDemo.AccountId).Roles.Single(r => r.RoleName == "hub")
            .Trust(LocalStsDemo.WebIdentityRoleArn, LocalStsDemo.SamlRoleArn));

    private static CredentialKitProfileOptions Options(LocalStsHarness h, SourceCredentialsType type, params AssumeRoleOptions[] roles)
    {
        var options = h.Profile(roles);
        options.Roles.Clear();
        foreach (var role in roles)
        {
            options.Roles.Add(role);
        }

        options.Source.Type = type;
        options.Source.AccessKeyId = null;
        options.Source.SecretAccessKey = null;
        options.Source.EnvironmentVariables = _ => null;
        return options;
    }

    /// <summary>A token whose <c>pod</c> principal tag tells which token issued a session.</summary>
    private static string MintToken(LocalStsHarness h, string pod = "one") =>
        LocalStsTokens.MintWebIdentityToken(
            LocalStsDemo.OidcIssuer, LocalStsDemo.OidcSigningKey, "system:serviceaccount:apps:reports", LocalStsDemo.OidcAudience,
            h.Server.Now.AddHours(2), principalTags: new Dictionary<string, string> { ["pod"] = pod });

    private IReadOnlyList<LocalStsJournalEntry> Journal(LocalStsHarness h, string operation) =>
        h.Server.Journal.Snapshot().Where(e => e.Operation == operation).ToList();

    [Fact]
    public async Task WebIdentity_TokenFileRotated_EachRefreshSendsTheCurrentFileAndChainsTwoRoles()
    {
        await using var h = await StartAsync();
        var tokenFile = Path.Combine(_directory, "token");
        File.WriteAllText(tokenFile, MintToken(h, "one"));
        var options = Options(h, SourceCredentialsType.WebIdentity, Hub(), Reports());
        options.Source.RoleArn = LocalStsDemo.WebIdentityRoleArn;
        options.Source.RoleSessionName = "irsa";
        options.Source.TokenFile = tokenFile;
        var provider = h.CreateProvider(options);

        var first = await provider.GetCredentialsAsync();
        File.WriteAllText(tokenFile, MintToken(h, "two"));
        h.Time.Advance(TimeSpan.FromMinutes(59.5)); // every hop of the chain is now below its minimum lifetime
        var second = await provider.GetCredentialsAsync();

        var web = Journal(h, "AssumeRoleWithWebIdentity");
        Assert.Equal(2, web.Count);
        Assert.All(web, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.All(web, e => Assert.Null(e.CallerAccessKeyId)); // sent unsigned
        Assert.Equal(["one", "two"], web.Select(e => h.Server.GetSession(e.IssuedAccessKeyId!)!.Tags["pod"]));
        Assert.Equal(ReportsSessionArn, second.AssumedRoleArn);
        Assert.NotEqual(first.AccessKeyId, second.AccessKeyId);
        var hub = AssumeRoleRequests(h, LocalStsDemo.HubRoleArn);
        Assert.Equal(web[0].IssuedAccessKeyId, hub[0].CallerAccessKeyId);
    }

    [Fact]
    public async Task WebIdentity_FromEnvironmentVariables_ServesTheWebRoleSession()
    {
        await using var h = await StartAsync();
        var tokenFile = Path.Combine(_directory, "token");
        File.WriteAllText(tokenFile, MintToken(h));
        var env = new Dictionary<string, string>
        {
            ["AWS_ROLE_ARN"] = LocalStsDemo.WebIdentityRoleArn,
            ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
            ["AWS_ROLE_SESSION_NAME"] = "from-env",
        };
        var options = Options(h, SourceCredentialsType.WebIdentity);
        options.Source.EnvironmentVariables = name => env.GetValueOrDefault(name);
        var provider = h.CreateProvider(options);

        var sts = h.CreateSdkClient(provider.ToAwsCredentials());
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal("arn:aws:sts::111122223333:assumed-role/web/from-env", identity.Arn);
    }

    [Fact]
    public async Task SessionTokenWithTotpMfa_NewCodeEachRefresh_AndTheRoleAfterItIsNotClamped()
    {
        await using var h = await StartAsync();
        var hub = Hub();
        hub.Duration = TimeSpan.FromHours(4);
        var options = Options(h, SourceCredentialsType.SessionToken, hub, Reports());
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Source.Duration = TimeSpan.FromHours(1);
        options.Source.MfaSerialNumber = LocalStsDemo.MfaSerialNumber;
        var asked = 0;
        options.Source.MfaTokenCodeProvider = _ =>
        {
            asked++;
            return ValueTask.FromResult(LocalStsTokens.ComputeTotp(LocalStsDemo.MfaTotpSecret, h.Server.Now));
        };
        var provider = h.CreateProvider(options);

        var credentials = await provider.GetCredentialsAsync();
        h.Time.Advance(TimeSpan.FromMinutes(59.5));

        // The source session's timer fired inside its refresh window: wait for that background GetSessionToken.
        await Eventually.WaitAsync(() => Journal(h, "GetSessionToken").Count == 2, "the source session's background refresh");
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        var tokens = Journal(h, "GetSessionToken");
        Assert.Equal(2, tokens.Count);
        Assert.Equal(2, asked);
        Assert.All(tokens, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.All(tokens, e => Assert.Equal(LocalStsDemo.AccessKeyId, e.CallerAccessKeyId));
        Assert.True(h.Server.GetSession(tokens[0].IssuedAccessKeyId!)!.MfaAuthenticated);
        var hubCall = AssumeRoleRequests(h, LocalStsDemo.HubRoleArn)[0];
        Assert.Equal(tokens[0].IssuedAccessKeyId, hubCall.CallerAccessKeyId);
        Assert.Equal("14400", hubCall.Parameters["DurationSeconds"]);
        Assert.Equal(ReportsSessionArn, credentials.AssumedRoleArn);
    }

    [Fact]
    public async Task Saml_ChainsTwoRoles_WithAFreshAssertionPerRefresh()
    {
        await using var h = await StartAsync();
        var options = Options(h, SourceCredentialsType.Saml, Hub(), Reports());
        options.Source.RoleArn = LocalStsDemo.SamlRoleArn;
        options.Source.PrincipalArn = LocalStsDemo.SamlProviderArn;
        var minted = 0;
        options.Source.SamlAssertionProvider = _ =>
        {
            minted++;
            return ValueTask.FromResult(LocalStsTokens.MintSamlAssertion(
                LocalStsDemo.SamlIssuer, LocalStsDemo.SamlRoleArn, LocalStsDemo.SamlProviderArn, "alice", h.Server.Now.AddMinutes(5)));
        };
        var provider = h.CreateProvider(options);

        var credentials = await provider.GetCredentialsAsync();
        h.Time.Advance(TimeSpan.FromMinutes(59.5));
        await provider.GetCredentialsAsync();

        var saml = Journal(h, "AssumeRoleWithSAML");
        Assert.Equal(2, saml.Count);
        Assert.Equal(2, minted);
        Assert.All(saml, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.Equal(saml[0].IssuedAccessKeyId, AssumeRoleRequests(h, LocalStsDemo.HubRoleArn)[0].CallerAccessKeyId);
        Assert.Equal(ReportsSessionArn, credentials.AssumedRoleArn);
    }

    [Fact]
    public async Task FederationToken_ServesTheFederatedUser_AndRolesAreRejected()
    {
        await using var h = await StartAsync();
        var options = Options(h, SourceCredentialsType.FederationToken);
        options.Source.AccessKeyId = LocalStsDemo.AccessKeyId;
        options.Source.SecretAccessKey = LocalStsDemo.SecretAccessKey;
        options.Source.Name = "bob";
        options.Source.Tags["team"] = "data";
        options.Source.Duration = TimeSpan.FromHours(36);
        var provider = h.CreateProvider(options);

        var identity = await h.CreateSdkClient(provider.ToAwsCredentials()).GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var credentials = await provider.GetCredentialsAsync();

        Assert.Equal("arn:aws:sts::111122223333:federated-user/bob", identity.Arn);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromHours(36), credentials.Expiration);
        Assert.Equal("data", h.Server.GetSession(credentials.AccessKeyId)!.Tags["team"]);

        options.Roles.Add(Hub());
        Assert.Throws<OptionsValidationException>(() => h.CreateProvider(options));
    }

    [Fact]
    public async Task Profile_RoleChainInSharedConfig_RunsEachHopItself()
    {
        await using var h = await StartAsync();
        File.WriteAllText(Path.Combine(_directory, "credentials"), $"""
            [demo]
            aws_access_key_id = {LocalStsDemo.AccessKeyId}
            aws_secret_access_key = {LocalStsDemo.SecretAccessKey}
            """);
        File.WriteAllText(Path.Combine(_directory, "config"), $"""
            [profile hub]
            role_arn = {LocalStsDemo.HubRoleArn}
            source_profile = demo
            role_session_name = {HubSessionName}

            [profile reports]
            role_arn = {LocalStsDemo.ReportsRoleArn}
            source_profile = hub
            external_id = {LocalStsDemo.ReportsExternalId}
            role_session_name = {ReportsSessionName}
            """);
        var options = Options(h, SourceCredentialsType.Profile, Warehouse());
        options.Source.ProfileName = "reports";
        var env = new Dictionary<string, string>
        {
            ["AWS_CONFIG_FILE"] = Path.Combine(_directory, "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory, "credentials"),
        };
        options.Source.EnvironmentVariables = name => env.GetValueOrDefault(name);
        var provider = h.CreateProvider(options);

        var credentials = await provider.GetCredentialsAsync();

        var hops = AssumeRoleRequests(h);
        Assert.Equal([LocalStsDemo.HubRoleArn, LocalStsDemo.ReportsRoleArn, WarehouseRoleArn], hops.Select(e => e.Parameters["RoleArn"]));
        Assert.All(hops, e => Assert.True(e.Succeeded, e.Outcome));
        Assert.Equal([UserArn, HubSessionArn, ReportsSessionArn], hops.Select(e => e.CallerArn));
        Assert.Equal(WarehouseSessionArn, credentials.AssumedRoleArn);
    }

    private static IReadOnlyList<LocalStsJournalEntry> AssumeRoleRequests(LocalStsHarness h, string? roleArn = null) => h.AssumeRoleRequests(roleArn);
}
