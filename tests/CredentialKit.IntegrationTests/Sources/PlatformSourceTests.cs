using Amazon.SecurityToken.Model;
using CredentialKit.IntegrationTests.Helpers;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.Sources;

/// <summary>
/// The platform sources (container endpoint, IMDSv2, credential_process) against LocalSts, each the start of a role
/// chain assumed through the real AWS SDK STS client, and the result used by a real SDK client.
/// </summary>
public sealed class PlatformSourceTests : IDisposable
{
    private const string TaskRoleArn = "arn:aws:iam::111122223333:role/task";
    private const string InstanceRoleArn = "arn:aws:iam::111122223333:role/instance";
    private const string ContainerToken = "pod-identity-token-0001";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ck-it-platform-" + Guid.NewGuid().ToString("N"));

    public PlatformSourceTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<LocalStsHarness> StartAsync()
    {
        var h = await LocalStsHarness.StartAsync(options =>
        {
            var demo = options.Accounts.Single(a => a.AccountId == LocalStsDemo.AccountId);
            demo.AddRole("task");
            demo.AddRole("instance");
            demo.Roles.Single(r => r.RoleName == "hub").Trust(TaskRoleArn, InstanceRoleArn);
        });
        h.Server.CredentialEndpoints.ContainerRoleArn = TaskRoleArn;
        h.Server.CredentialEndpoints.ContainerAuthorizationToken = ContainerToken;
        h.Server.CredentialEndpoints.InstanceRoleArn = InstanceRoleArn;
        return h;
    }

    private static CredentialKitProfileOptions Options(LocalStsHarness h, SourceCredentialsType type, Dictionary<string, string> environment, params AssumeRoleOptions[] roles)
    {
        var options = h.Profile(roles);
        options.Roles.Clear(); // Profile() adds hub when given none
        foreach (var role in roles)
        {
            options.Roles.Add(role);
        }

        options.Source.Type = type;
        options.Source.AccessKeyId = null;
        options.Source.SecretAccessKey = null;
        options.Source.EnvironmentVariables = name => environment.GetValueOrDefault(name);
        return options;
    }

    private static Dictionary<string, string> ContainerEnvironment(LocalStsHarness h) => new()
    {
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = h.Server.CredentialEndpoints.ContainerUri.ToString(),
        ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = ContainerToken,
    };

    private static Dictionary<string, string> ImdsEnvironment(LocalStsHarness h) => new()
    {
        ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = h.Server.Endpoint.ToString(),
    };

    private static int Count(LocalStsHarness h, string operation) => h.Server.Journal.Snapshot().Count(e => e.Operation == operation);

    private static async Task<string> CallerArnAsync(LocalStsHarness h, ICredentialProvider provider)
    {
        var sts = h.CreateSdkClient(provider.ToAwsCredentials());
        return (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
    }

    [Fact]
    public async Task Container_ThenHubThenReports_ChainsOverTheRealSdkClient()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(Options(h, SourceCredentialsType.ContainerCredentials, ContainerEnvironment(h), Hub(), Reports()));

        await provider.GetCredentialsAsync();

        Assert.Equal(ReportsSessionArn, await CallerArnAsync(h, provider));
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.ContainerOperation));
        var hub = Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/task/ecs-task", hub.CallerArn);
    }

    [Fact]
    public async Task Container_WrongAuthorizationToken_FailsWithHttp401()
    {
        await using var h = await StartAsync();
        var environment = ContainerEnvironment(h);
        environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "wrong";
        var provider = h.CreateProvider(Options(h, SourceCredentialsType.ContainerCredentials, environment, Hub()));

        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => provider.GetCredentialsAsync().AsTask());

        Assert.Equal("Http401", error.ErrorCode);
        Assert.Empty(h.AssumeRoleRequests());
    }

    [Fact]
    public async Task Imds_ThenHub_TokenThenCredentials_AndTheSessionIsAcceptedByLocalStsSts()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(Options(h, SourceCredentialsType.InstanceMetadata, ImdsEnvironment(h), Hub()));

        await provider.GetCredentialsAsync();

        Assert.Equal(HubSessionArn, await CallerArnAsync(h, provider));
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.ImdsTokenOperation));
        Assert.Equal(2, Count(h, LocalStsCredentialEndpoints.ImdsCredentialsOperation)); // the role name, then its credentials
        Assert.Equal("arn:aws:sts::111122223333:assumed-role/instance/i-0123456789abcdef0", Assert.Single(h.AssumeRoleRequests()).CallerArn);
    }

    [Fact]
    public async Task Imds_TokenResponsesDropped_V1Disabled_FailsAsTimeout()
    {
        await using var h = await StartAsync();
        h.Server.CredentialEndpoints.InstanceTokenResponsesDropped = true;
        var environment = ImdsEnvironment(h);
        environment["AWS_EC2_METADATA_V1_DISABLED"] = "true";
        var provider = h.CreateProvider(Options(h, SourceCredentialsType.InstanceMetadata, environment, Hub()));

        var pending = provider.GetCredentialsAsync().AsTask();
        await CredentialKit.Testing.Eventually.WaitAsync(() => Count(h, LocalStsCredentialEndpoints.ImdsTokenOperation) == 0 && h.Time.ActiveTimerCount > 0, "the token request");
        var error = await Assert.ThrowsAsync<CredentialRefreshException>(() => CredentialKit.Testing.Eventually.DriveAsync(pending, h.Time, TimeSpan.FromSeconds(1)));

        Assert.Equal("Timeout", error.ErrorCode);
    }

    [Fact]
    public async Task Imds_ThousandConcurrentColdProviders_OneRequestOfEachKind()
    {
        await using var h = await StartAsync();
        var providers = Enumerable.Range(0, 1000)
            .Select(_ => h.CreateProvider(Options(h, SourceCredentialsType.InstanceMetadata, ImdsEnvironment(h))))
            .ToList();

        var all = await Task.WhenAll(providers.Select(p => p.GetCredentialsAsync().AsTask()));

        Assert.Single(all.Select(c => c.AccessKeyId).Distinct());
        Assert.Empty(h.AssumeRoleRequests());
        Assert.Equal(1, Count(h, LocalStsCredentialEndpoints.ImdsTokenOperation));
        Assert.Equal(2, Count(h, LocalStsCredentialEndpoints.ImdsCredentialsOperation));
    }

    [Fact]
    public async Task Imds_LaptopSleepPastExpiry_FetchesANewSessionThatStsStillAccepts()
    {
        await using var h = await StartAsync();
        var provider = h.CreateProvider(Options(h, SourceCredentialsType.InstanceMetadata, ImdsEnvironment(h), Hub()));
        var before = await provider.GetCredentialsAsync();

        h.Time.Advance(TimeSpan.FromHours(9)); // both the instance session (6 h) and the hub session (1 h) expired meanwhile
        var after = await provider.GetCredentialsAsync();

        Assert.NotEqual(before.AccessKeyId, after.AccessKeyId);
        Assert.True(after.Expiration > h.Time.GetUtcNow());
        Assert.Equal(2, h.AssumeRoleRequests().Count(e => e.Succeeded));
        Assert.Equal(HubSessionArn, await CallerArnAsync(h, provider));
    }

    [Fact]
    public async Task CredentialProcess_PrintingTheDemoUsersKeys_ThenHub()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake process is a POSIX shell script; CI runs on Linux
        }

        await using var h = await StartAsync();
        var script = Path.Combine(_directory, "issue-keys");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "{{LocalStsDemo.AccessKeyId}}", "SecretAccessKey": "{{LocalStsDemo.SecretAccessKey}}"}'
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = Options(h, SourceCredentialsType.CredentialProcess, [], Hub());
        options.Source.CredentialProcess = $"{script} --unused 'arg'";
        var provider = h.CreateProvider(options);

        await provider.GetCredentialsAsync();

        Assert.Equal(HubSessionArn, await CallerArnAsync(h, provider));
        Assert.Equal(UserArn, Assert.Single(h.AssumeRoleRequests()).CallerArn);
    }
}
