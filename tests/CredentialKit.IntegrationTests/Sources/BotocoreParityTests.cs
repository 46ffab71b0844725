using System.Diagnostics;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// botocore (Debian's python3-botocore, which .ci/test.sh installs with awscli) and CredentialKit resolve the same shared
/// config against the same LocalSts to the same identities: container → role, IMDS → role, credential_process → role,
/// sso_session. LocalSts runs on the machine's clock here, as botocore checks expiry against it.
/// </summary>
public sealed class BotocoreParityTests : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private const string TaskRoleArn = "arn:aws:iam::111122223333:role/task";
    private const string InstanceRoleArn = "arn:aws:iam::111122223333:role/instance";
    private const string ContainerToken = "parity-pod-token";
    private const string StartUrl = "https://parity.awsapps.com/start";

    // Debian's awscli v2 vendors botocore as awscli.botocore; a pip botocore is plain botocore. Version 2.9 predates
    // AWS_ENDPOINT_URL_<SERVICE>, so every client the session creates (its credential providers' STS, SSO and SSO OIDC
    // clients included) is pointed at LocalSts here.
    private const string Script = """
        import sys
        try:
            from awscli.botocore import session as botocore_session
        except ImportError:
            import botocore.session as botocore_session
        profile, endpoint = sys.argv[1], sys.argv[2]
        session = botocore_session.Session(profile=profile)
        create_client = session.create_client
        def local_client(service_name, *args, **kwargs):
            if service_name in ("sts", "sso", "sso-oidc"):
                kwargs["endpoint_url"] = endpoint
            return create_client(service_name, *args, **kwargs)
        session.create_client = local_client
        client = session.create_client("sts", region_name="us-east-1")
        print(client.get_caller_identity()["Arn"])
        """;

    private readonly string _home = Path.Combine(Path.GetTempPath(), "ck-it-parity-" + Guid.NewGuid().ToString("N"));
    private LocalStsServer _server = null!;
    private Dictionary<string, string> _environment = null!;

    public async Task InitializeAsync()
    {
        var options = LocalStsOptions.CreateDemo();
        var demo = options.Accounts.Single(a => a.AccountId == LocalStsDemo.AccountId);
        demo.AddRole("task");
        demo.AddRole("instance");
        demo.Roles.Single(r => r.RoleName == "hub").Trust(TaskRoleArn, InstanceRoleArn);
        _server = await LocalStsServer.StartNewAsync(options);
        _server.CredentialEndpoints.ContainerRoleArn = TaskRoleArn;
        _server.CredentialEndpoints.ContainerAuthorizationToken = ContainerToken;
        _server.CredentialEndpoints.InstanceRoleArn = InstanceRoleArn;

        Directory.CreateDirectory(Path.Combine(_home, ".aws", "sso", "cache"));
        var script = Path.Combine(_home, "issue-keys");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "{{LocalStsDemo.AccessKeyId}}", "SecretAccessKey": "{{LocalStsDemo.SecretAccessKey}}"}'
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllText(Path.Combine(_home, ".aws", "config"), $"""
            [profile ecs]
            role_arn = {LocalStsDemo.HubRoleArn}
            credential_source = EcsContainer
            role_session_name = parity

            [profile ec2]
            role_arn = {LocalStsDemo.HubRoleArn}
            credential_source = Ec2InstanceMetadata
            role_session_name = parity

            [profile tool]
            credential_process = {script} --profile "corp account"

            [profile proc]
            role_arn = {LocalStsDemo.HubRoleArn}
            source_profile = tool
            role_session_name = parity

            [profile sso]
            sso_session = corp
            sso_account_id = {LocalStsDemo.AccountId}
            sso_role_name = hub

            [sso-session corp]
            sso_start_url = {StartUrl}
            sso_region = us-east-1

            [profile sso-reports]
            role_arn = {LocalStsDemo.ReportsRoleArn}
            source_profile = sso
            external_id = {LocalStsDemo.ReportsExternalId}
            role_session_name = parity
            """);
        SsoCacheFile.Write(_home, "corp", StartUrl, _server.CredentialEndpoints.IssueSsoToken(TimeSpan.FromHours(8)));

        var endpoint = _server.Endpoint.ToString();
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["AWS_CONFIG_FILE"] = Path.Combine(_home, ".aws", "config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_home, ".aws", "credentials"),
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = _server.CredentialEndpoints.ContainerUri.ToString(),
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = ContainerToken,
            ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = endpoint,
            ["AWS_ENDPOINT_URL_STS"] = endpoint,
            ["AWS_ENDPOINT_URL_SSO"] = endpoint,
            ["AWS_ENDPOINT_URL_SSO_OIDC"] = endpoint,
        };
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    // sso_session -> role chain (profile sso-reports) is not compared: the botocore that Debian's awscli 2.9 vendors
    // resolves an SSO source_profile to no credentials ('NoneType' has no 'get_frozen_token'). CredentialKit's side of it
    // is SsoSourceTests.SsoSession_ThenRoleChain_ChainsOverTheRealSdkClients.
    [Theory]
    [InlineData("ecs", "arn:aws:sts::111122223333:assumed-role/hub/parity")]
    [InlineData("ec2", "arn:aws:sts::111122223333:assumed-role/hub/parity")]
    [InlineData("proc", "arn:aws:sts::111122223333:assumed-role/hub/parity")]
    [InlineData("sso", "arn:aws:sts::111122223333:assumed-role/hub/sso-user")]
    public async Task Profile_ResolvesToTheSameIdentityAsBotocore(string profile, string expected)
    {
        Assert.Equal(expected, await CredentialKitIdentityAsync(profile));
        Assert.Equal(expected, await BotocoreIdentityAsync(profile));
    }

    private async Task<string> CredentialKitIdentityAsync(string profile)
    {
        var options = new CredentialKitProfileOptions();
        options.Source.Type = SourceCredentialsType.Profile;
        options.Source.ProfileName = profile;
        options.Source.EnvironmentVariables = name => _environment.GetValueOrDefault(name);
        options.Sts.ServiceUrl = _server.Endpoint.ToString();
        options.Sts.AuthenticationRegion = "us-east-1";
        using var provider = CredentialProvider.Create(options);
        using var sts = new AmazonSecurityTokenServiceClient(provider.ToAwsCredentials(), new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = _server.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
        });
        return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
    }

    private async Task<string> BotocoreIdentityAsync(string profile)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(profile);
        start.ArgumentList.Add(_server.Endpoint.ToString());

        // Nothing from the machine's own AWS setup: only what this test sets.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"botocore failed for profile {profile}: {await stderr}");
        return (await stdout).Trim();
    }
}
