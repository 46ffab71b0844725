using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using NSubstitute;

namespace CredentialKit.Tests.Helpers;

/// <summary>One AssumeRole request as the stub received it, with the access key of the credentials that signed it.</summary>
public sealed record StsCall(AssumeRoleRequest Request, string SignerAccessKeyId, string SignerSessionToken);

/// <summary>
/// An <see cref="IStsClientFactory"/> whose clients are NSubstitute substitutes of <see cref="IAmazonSecurityTokenService"/>.
/// Each call first resolves the signing credentials (as the SDK's signer does), is recorded, and is answered by the next
/// scripted step or, by default, with a new session lasting the requested duration on the manual clock.
/// </summary>
public sealed class StsStub(ManualTimeProvider time) : IStsClientFactory
{
    /// <summary>Every secret the stub ever issued, for the "no secret leaves" assertions.</summary>
    public ConcurrentBag<string> IssuedSecrets { get; } = [];

    private readonly ConcurrentQueue<Func<StsCall, CancellationToken, Task<AssumeRoleResponse>>> _script = new();
    private readonly ConcurrentQueue<StsCall> _calls = new();
    private int _issued;

    public List<StsCall> Calls => [.. _calls];

    public int CallCount => _calls.Count;

    public List<StsOptions> ClientOptions { get; } = [];

    /// <summary>Lifetime of sessions issued by default; <see langword="null"/> means the requested DurationSeconds.</summary>
    public TimeSpan? Lifetime { get; set; }

    public IAmazonSecurityTokenService CreateClient(AWSCredentials credentials, StsOptions options)
    {
        lock (ClientOptions)
        {
            ClientOptions.Add(options);
        }

        var client = Substitute.For<IAmazonSecurityTokenService>();
        client.AssumeRoleAsync(Arg.Any<AssumeRoleRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => HandleAsync(credentials, ci.Arg<AssumeRoleRequest>(), ci.Arg<CancellationToken>()));
        return client;
    }

    public void Enqueue(Func<StsCall, CancellationToken, Task<AssumeRoleResponse>> step) => _script.Enqueue(step);

    public void EnqueueError(string code, HttpStatusCode status = HttpStatusCode.BadRequest, string message = "error", int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Enqueue((_, _) => Task.FromException<AssumeRoleResponse>(Error(code, status, message)));
        }
    }

    public void EnqueueException(Exception exception) => Enqueue((_, _) => Task.FromException<AssumeRoleResponse>(exception));

    /// <summary>The next call waits until the returned source is completed (a response or an exception).</summary>
    public TaskCompletionSource<AssumeRoleResponse> EnqueuePending()
    {
        var pending = new TaskCompletionSource<AssumeRoleResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue((_, _) => pending.Task);
        return pending;
    }

    /// <summary>The next call never answers; it ends only when its token is cancelled.</summary>
    public void EnqueueHang() => Enqueue(async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        throw new InvalidOperationException("unreachable");
    });

    public static AmazonSecurityTokenServiceException Error(string code, HttpStatusCode status = HttpStatusCode.BadRequest, string message = "error") =>
        new(message, (int)status >= 500 ? ErrorType.Receiver : ErrorType.Sender, code, "request-id", status);

    public AssumeRoleResponse Success(StsCall call, TimeSpan? lifetime = null)
    {
        var n = Interlocked.Increment(ref _issued);
        var roleName = call.Request.RoleArn.Split('/')[^1];
        var secret = $"SECRET{Guid.NewGuid():N}";
        var token = $"TOKEN{Guid.NewGuid():N}";
        IssuedSecrets.Add(secret);
        IssuedSecrets.Add(token);
        var duration = lifetime ?? Lifetime ?? TimeSpan.FromSeconds(call.Request.DurationSeconds ?? 3600);
        return new AssumeRoleResponse
        {
            Credentials = new Credentials
            {
                AccessKeyId = $"ASIA{roleName.ToUpperInvariant()}{n:D6}",
                SecretAccessKey = secret,
                SessionToken = token,
                Expiration = (time.GetUtcNow() + duration).UtcDateTime,
            },
            AssumedRoleUser = new AssumedRoleUser
            {
                Arn = $"arn:aws:sts::111122223333:assumed-role/{roleName}/{call.Request.RoleSessionName}",
                AssumedRoleId = $"AROAEXAMPLE:{call.Request.RoleSessionName}",
            },
            SourceIdentity = call.Request.SourceIdentity,
        };
    }

    private async Task<AssumeRoleResponse> HandleAsync(AWSCredentials signer, AssumeRoleRequest request, CancellationToken cancellationToken)
    {
        var signing = await signer.GetCredentialsAsync();
        var call = new StsCall(request, signing.AccessKey, signing.Token);
        _calls.Enqueue(call);
        return _script.TryDequeue(out var step) ? await step(call, cancellationToken) : Success(call);
    }
}
