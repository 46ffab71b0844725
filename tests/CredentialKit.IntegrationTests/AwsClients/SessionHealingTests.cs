using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using CredentialKit.IntegrationTests.Helpers;
using Microsoft.Extensions.DependencyInjection;
using static CredentialKit.IntegrationTests.Helpers.LocalStsHarness;

namespace CredentialKit.IntegrationTests.AwsClients;

/// <summary>
/// Real AWS SDK clients whose session is rejected: STS clients against LocalSts after <c>ExpireSession</c>, and S3 (REST-XML)
/// and SQS (JSON) clients against a loopback endpoint answering the service's own <c>ExpiredToken</c> shape.
/// </summary>
public sealed class SessionHealingTests
{
    private const int HealedEventId = 120;

    [Fact]
    public async Task ExpireSession_FiftyConcurrentCallsOverFiveClients_AllSucceedWithOneAssumeRole()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit()
            .AddAWSService<IAmazonSecurityTokenService>("reports")
            .AddKeyedAWSService<IAmazonSecurityTokenService>("reports")
            .AddKeyedAWSService<IAmazonSecurityTokenService>("reports-slow", "reports", (config, _) => config.Timeout = TimeSpan.FromSeconds(9))
            .UseAsDefaultAWSCredentials("reports");
        app.Services.AddKeyedAWSService<IAmazonSecurityTokenService>("audit");   // the SDK's own registration
        await using var services = app.BuildServiceProvider();
        var provider = services.GetRequiredKeyedService<ICredentialProvider>("reports");
        AwsSdkSessionHealing.Enable(h.Logs);
        var byHand = h.CreateSdkClient(provider.ToAwsCredentials());
        IAmazonSecurityTokenService[] clients =
        [
            services.GetRequiredService<IAmazonSecurityTokenService>(),
            services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports"),
            services.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports-slow"),
            services.GetRequiredKeyedService<IAmazonSecurityTokenService>("audit"),
            byHand,
        ];
        await Task.WhenAll(clients.Select(c => c.GetCallerIdentityAsync(new GetCallerIdentityRequest())));
        var rejected = await provider.GetCredentialsAsync();

        Assert.True(h.Server.ExpireSession(rejected.AccessKeyId));
        var identities = await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(0, 10).Select(_ => c.GetCallerIdentityAsync(new GetCallerIdentityRequest()))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(50, identities.Length);
        Assert.All(identities, i => Assert.Equal(ReportsSessionArn, i.Arn));
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn).Count);   // the first session, and one for the hop
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));                // the parent was not rejected
        Assert.NotEqual(rejected.AccessKeyId, (await provider.GetCredentialsAsync()).AccessKeyId);
        var healed = h.ProviderLogs(HealedEventId);
        Assert.NotEmpty(healed);
        Assert.All(healed, r => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, r.Level));
        Assert.Contains(healed, r => r.Message.Contains("STS GetCallerIdentity was rejected with ExpiredToken", StringComparison.Ordinal)
            && r.Message.Contains(SecretRedaction.MaskAccessKeyId(rejected.AccessKeyId), StringComparison.Ordinal)
            && r.Message.Contains("profile reports", StringComparison.Ordinal));
        var ours = h.Logs.Records.Where(r => r.Category.StartsWith("CredentialKit.", StringComparison.Ordinal)
            && !r.Category.StartsWith("CredentialKit.LocalSts", StringComparison.Ordinal));
        Assert.DoesNotContain(ours.SelectMany(r => r.AllText()), t =>
            t.Contains(rejected.AccessKeyId, StringComparison.Ordinal) || t.Contains(rejected.SecretAccessKey, StringComparison.Ordinal)
            || t.Contains(rejected.SessionToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpireSession_HopAndParentBothRejected_RenewsEachOnce()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonSecurityTokenService>("reports").AddKeyedAWSService<IAmazonSecurityTokenService>("hub");
        await using var services = app.BuildServiceProvider();
        var sts = services.GetRequiredService<IAmazonSecurityTokenService>();
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await services.GetRequiredKeyedService<IAmazonSecurityTokenService>("hub").GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.True(h.Server.ExpireSession((await services.GetRequiredKeyedService<ICredentialProvider>("hub").GetCredentialsAsync()).AccessKeyId));
        Assert.True(h.Server.ExpireSession((await services.GetRequiredKeyedService<ICredentialProvider>("reports").GetCredentialsAsync()).AccessKeyId));
        var identities = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())));

        Assert.All(identities, i => Assert.Equal(ReportsSessionArn, i.Arn));
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn).Count(e => e.Succeeded));
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.HubRoleArn).Count(e => e.Succeeded));
    }

    [Fact]
    public async Task PutObject_S3AnswersExpiredToken_RetriedOnceWithANewSessionAndTheSameBody()
    {
        await using var h = await StartAsync();
        var answered = 0;
        await using var s3 = new RawHttpServer((request, stream, ct) => Interlocked.Increment(ref answered) == 1
            ? RawHttpServer.WriteAsync(stream, "400 Bad Request", S3Error("ExpiredToken", "The provided token has expired."), ct, "Content-Type: application/xml")
            : RawHttpServer.WriteAsync(stream, "200 OK", string.Empty, ct, "ETag: \"5d41402abc4b2a76b9719d911017c592\""));
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonS3>("reports", (config, _) => PointAt((AmazonS3Config)config, s3.Url));
        await using var services = app.BuildServiceProvider();
        var healed = new System.Collections.Concurrent.ConcurrentQueue<Dictionary<string, object?>>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "CredentialKit" && instrument.Name == "credentialkit.aws_sdk.healed_requests")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var seen = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                seen[tag.Key] = tag.Value;
            }

            if (Equals(seen.GetValueOrDefault("rpc.method"), "PutObject"))
            {
                healed.Enqueue(seen);
            }
        });
        listener.Start();

        var response = await services.GetRequiredService<IAmazonS3>().PutObjectAsync(
            new PutObjectRequest { BucketName = "reports", Key = "daily.csv", ContentBody = "hello" });

        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatusCode);
        Assert.Equal(2, s3.Requests.Count);
        var keys = s3.Requests.Select(r => SignedKey(r.Head)).ToList();
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal((await services.GetRequiredKeyedService<ICredentialProvider>("reports").GetCredentialsAsync()).AccessKeyId, keys[1]);
        Assert.All(s3.Requests, r => Assert.Contains("hello", r.Body, StringComparison.Ordinal));
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn).Count);
        Assert.Contains(h.ProviderLogs(HealedEventId), r => r.Message.StartsWith("S3 PutObject was rejected with ExpiredToken", StringComparison.Ordinal));
        var count = Assert.Single(healed);
        Assert.Equal("S3", count["rpc.service"]);
        Assert.Equal("reports", count["credentialkit.profile"]);
        Assert.Equal("ExpiredToken", count["credentialkit.error_code"]);
        Assert.Equal("success", count["credentialkit.outcome"]);
    }

    [Fact]
    public async Task GetQueueUrl_SqsAnswersJsonExpiredTokenException_RetriedOnceWithANewSession()
    {
        await using var h = await StartAsync();
        var answered = 0;
        RawHttpServer? sqs = null;
        Task SqsAnswers(RawHttpRequest request, Stream stream, CancellationToken ct) => Interlocked.Increment(ref answered) == 1
            ? RawHttpServer.WriteAsync(stream, "400 Bad Request",
                """{"__type":"com.amazon.coral.service#ExpiredTokenException","message":"The security token included in the request is expired"}""",
                ct, "Content-Type: application/x-amz-json-1.0", "x-amzn-RequestId: 00000000-0000-4000-8000-000000000001")
            : RawHttpServer.WriteAsync(stream, "200 OK", $$"""{"QueueUrl":"{{sqs!.Url}}111122223333/jobs"}""",
                ct, "Content-Type: application/x-amz-json-1.0", "x-amzn-RequestId: 00000000-0000-4000-8000-000000000002");
        await using var server = sqs = new RawHttpServer(SqsAnswers);
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddKeyedAWSService<IAmazonSQS>("queues", "reports", (config, _) => config.ServiceURL = server.Url);
        await using var services = app.BuildServiceProvider();

        var response = await services.GetRequiredKeyedService<IAmazonSQS>("queues").GetQueueUrlAsync("jobs");

        Assert.EndsWith("/111122223333/jobs", response.QueueUrl, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
        Assert.NotEqual(SignedKey(server.Requests[0].Head), SignedKey(server.Requests[1].Head));
        Assert.Equal(2, h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn).Count);
    }

    [Theory]
    [InlineData("403 Forbidden", "AccessDenied", "Access Denied")]
    [InlineData("403 Forbidden", "SignatureDoesNotMatch", "Signature expired: 20261208T020000Z is now earlier than 20261208T021500Z")]
    public async Task GetObject_RefusedForAnotherReason_IsNotRetriedNorInvalidated(string status, string code, string message)
    {
        await using var h = await StartAsync();
        await using var s3 = new RawHttpServer((request, stream, ct) =>
            RawHttpServer.WriteAsync(stream, status, S3Error(code, message), ct, "Content-Type: application/xml"));
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonS3>("reports", (config, _) => PointAt((AmazonS3Config)config, s3.Url));
        await using var services = app.BuildServiceProvider();

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            services.GetRequiredService<IAmazonS3>().GetObjectAsync(new GetObjectRequest { BucketName = "reports", Key = "daily.csv" }));

        Assert.Equal(code, e.ErrorCode);
        Assert.Single(s3.Requests);
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.ReportsRoleArn));
        Assert.Empty(h.ProviderLogs(HealedEventId));
    }

    [Fact]
    public async Task GetCallerIdentity_HealingTurnedOff_FailsWithExpiredToken()
    {
        await using var h = await StartAsync();
        var app = new AwsClientHost(h);
        app.AddCredentialKit().AddAWSService<IAmazonSecurityTokenService>("hub");
        app.Services.AddOptions<CredentialKitOptions>().Configure(o => o.AwsSdk.HealRejectedSessions = false);
        await using var services = app.BuildServiceProvider();
        var sts = services.GetRequiredService<IAmazonSecurityTokenService>();
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        h.Server.ExpireSession((await services.GetRequiredKeyedService<ICredentialProvider>("hub").GetCredentialsAsync()).AccessKeyId);
        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("ExpiredToken", e.ErrorCode);
        Assert.Single(h.AssumeRoleRequests(LocalStsDemo.HubRoleArn));
    }

    [Fact]
    public async Task GetCredentialsAsync_ParentRejectedWhileHealingIsEnabled_EngineRenewsItOnceWithoutTheSdkStep()
    {
        // Regression: the chain's own STS clients sign with the parent's session; once the process had the healing step,
        // they healed a rejected parent as well as AssumeRoleFetcher, so STS saw the parent renewed through two paths.
        await using var h = await StartAsync();
        AwsSdkSessionHealing.Enable(h.Logs);
        var options = h.Profile(Hub(), Reports());
        options.Refresh.BackgroundRefresh = false;
        var provider = h.CreateProvider(options);
        await provider.GetCredentialsAsync();
        var hubKey = h.AssumeRoleRequests()[0].IssuedAccessKeyId!;

        Assert.True(h.Server.ExpireSession(hubKey));
        provider.Invalidate();
        await provider.GetCredentialsAsync();

        Assert.Equal(
            [(LocalStsDemo.ReportsRoleArn, "ExpiredToken"), (LocalStsDemo.HubRoleArn, LocalStsJournal.SuccessOutcome), (LocalStsDemo.ReportsRoleArn, LocalStsJournal.SuccessOutcome)],
            h.AssumeRoleRequests().Skip(2).Select(e => (e.Parameters["RoleArn"], e.Outcome)));
        Assert.Single(h.ProviderLogs(9));   // the engine's "parent session expired"
        Assert.Empty(h.ProviderLogs(HealedEventId));
    }

    private static void PointAt(AmazonS3Config config, string url)
    {
        config.ServiceURL = url;
        config.ForcePathStyle = true;
        config.MaxErrorRetry = 0;
    }

    private static string S3Error(string code, string message) =>
        $"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>host</HostId></Error>""";

    private static string SignedKey(string head)
    {
        var start = head.IndexOf("Credential=", StringComparison.Ordinal) + "Credential=".Length;
        return head[start..head.IndexOf('/', start)];
    }
}
