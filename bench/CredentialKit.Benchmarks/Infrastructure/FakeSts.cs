using System.Reflection;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace CredentialKit.Benchmarks.Infrastructure;

/// <summary>
/// An in-process STS for simulations: answers every AssumeRole at once with a session of the requested duration on the
/// injected clock, and tells an observer the simulated moment of each call. No NSubstitute (its call recording would
/// dominate a 300,000-call simulation), no HTTP, and one small response per call.
/// </summary>
internal sealed class FakeStsClientFactory(TimeProvider time) : IStsClientFactory
{
    private const string SecretAccessKey = "fakeStsSecretKey/NotARealSecret000000000";
    private const string SessionToken = "FwoGZXIvYXdzEFAKESESSIONTOKEN";
    private long _calls;

    /// <summary>Called for every AssumeRole with the simulated time and whether it is that client's first call.</summary>
    public Action<DateTimeOffset, bool>? OnCall { get; set; }

    /// <summary>Gets the number of AssumeRole calls answered.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Gets the number of clients created (one per provider's hop).</summary>
    public int ClientsCreated { get; private set; }

    public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
    {
        var client = DispatchProxy.Create<IAmazonSecurityTokenService, FakeStsClient>();
        ((FakeStsClient)(object)client).Owner = this;
        ClientsCreated++;
        return client;
    }

    internal Task<AssumeRoleResponse> AssumeRole(FakeStsClient client, AssumeRoleRequest request)
    {
        var now = time.GetUtcNow();
        var first = client.CallCount++ == 0;
        Interlocked.Increment(ref _calls);
        OnCall?.Invoke(now, first);
        return Task.FromResult(new AssumeRoleResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = "ASIAFAKESTS000000001",
                SecretAccessKey = SecretAccessKey,
                SessionToken = SessionToken,
                Expiration = (now + TimeSpan.FromSeconds(request.DurationSeconds ?? 3600)).UtcDateTime,
            },

            // STS names the session it issued; CredentialKit refuses one that names another role or account.
            AssumedRoleUser = new AssumedRoleUser
            {
                Arn = $"arn:aws:sts::{request.RoleArn.Split(':')[4]}:assumed-role/{request.RoleArn.Split('/')[^1]}/{request.RoleSessionName}",
                AssumedRoleId = "AROABENCHMARK:" + request.RoleSessionName,
            },
        });
    }
}

/// <summary>The proxy behind each fake client: only <c>AssumeRoleAsync</c> and <c>Dispose</c> are implemented.</summary>
/// <remarks>Public and unsealed because <see cref="DispatchProxy"/> derives from it.</remarks>
public class FakeStsClient : DispatchProxy
{
    internal FakeStsClientFactory? Owner { get; set; }

    internal int CallCount { get; set; }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        nameof(IAmazonSecurityTokenService.AssumeRoleAsync) when args is [AssumeRoleRequest request, ..] => Owner!.AssumeRole(this, request),
        nameof(IDisposable.Dispose) => null,
        _ => throw new NotSupportedException($"The fake STS implements AssumeRoleAsync only, not {targetMethod?.Name}."),
    };
}
