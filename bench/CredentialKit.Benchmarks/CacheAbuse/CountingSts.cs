using System.Reflection;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace CredentialKit.Benchmarks.CacheAbuse;

/// <summary>
/// An in-process STS for the cache-abuse figures: resolves the signing credentials first (as the SDK's signer does, so
/// a chain's parent hop is exercised), then answers at once with a unique session of the requested duration, and
/// counts calls. Unique keys matter here: <c>Invalidate(rejected)</c> tells sessions apart by them.
/// </summary>
internal sealed class CountingStsClientFactory(TimeProvider time) : IStsClientFactory
{
    private long _calls;
    private long _issued;

    /// <summary>Gets the number of AssumeRole calls answered.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
    {
        var client = DispatchProxy.Create<IAmazonSecurityTokenService, CountingStsClient>();
        var proxy = (CountingStsClient)(object)client;
        proxy.Owner = this;
        proxy.Signer = credentials;
        return client;
    }

    internal async Task<AssumeRoleResponse> AssumeRoleAsync(AWSCredentials signer, AssumeRoleRequest request)
    {
        _ = await signer.GetCredentialsAsync().ConfigureAwait(false);
        Interlocked.Increment(ref _calls);
        var n = Interlocked.Increment(ref _issued);
        return new AssumeRoleResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = $"ASIACOUNTING{n:D8}",
                SecretAccessKey = "countingStsSecretKey/NotARealSecret00000",
                SessionToken = $"FwoGZXIvYXdzECOUNTING{n:D8}",
                Expiration = (time.GetUtcNow() + TimeSpan.FromSeconds(request.DurationSeconds ?? 3600)).UtcDateTime,
            },

            // STS names the session it issued; CredentialKit refuses one that names another role or account.
            AssumedRoleUser = new AssumedRoleUser
            {
                Arn = $"arn:aws:sts::{request.RoleArn.Split(':')[4]}:assumed-role/{request.RoleArn.Split('/')[^1]}/{request.RoleSessionName}",
                AssumedRoleId = "AROABENCHMARK:" + request.RoleSessionName,
            },
        };
    }
}

/// <summary>The proxy behind each counting client: only <c>AssumeRoleAsync</c> and <c>Dispose</c> are implemented.</summary>
/// <remarks>Public and unsealed because <see cref="DispatchProxy"/> derives from it.</remarks>
public class CountingStsClient : DispatchProxy
{
    internal CountingStsClientFactory? Owner { get; set; }

    internal AWSCredentials? Signer { get; set; }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
    {
        nameof(IAmazonSecurityTokenService.AssumeRoleAsync) when args is [AssumeRoleRequest request, ..] => Owner!.AssumeRoleAsync(Signer!, request),
        nameof(IDisposable.Dispose) => null,
        _ => throw new NotSupportedException($"The counting STS implements AssumeRoleAsync only, not {targetMethod?.Name}."),
    };
}
