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
/// One request of a source operation (AssumeRoleWithWebIdentity, AssumeRoleWithSAML, GetSessionToken, GetFederationToken)
/// as the stub received it: the endpoint settings of the client, and the signer's access key (<see langword="null"/> when unsigned).
/// </summary>
public sealed record StsSourceCall(string Operation, AmazonWebServiceRequest Request, string? SignerAccessKeyId, StsOptions Options);

/// <summary>
/// An <see cref="IStsClientFactory"/> whose clients are NSubstitute substitutes of <see cref="IAmazonSecurityTokenService"/>.
/// Each call first resolves the signing credentials (as the SDK's signer does), is recorded, and is answered by the next
/// scripted step or, by default, with a new session lasting the requested duration on the manual clock.
/// </summary>
public sealed class StsStub(TimeProvider time) : IStsClientFactory
{
    /// <summary>
    /// Gets or sets whether AssumeRole answers carry a <c>Date</c> header read on the stub's clock (STS's), as the real
    /// HTTP layer records it; off by default, as for a substituted client.
    /// </summary>
    public bool SendsDateHeader { get; set; }

    /// <summary>Every secret the stub ever issued, for the "no secret leaves" assertions.</summary>
    public ConcurrentBag<string> IssuedSecrets { get; } = [];

    private readonly ConcurrentQueue<Func<StsCall, CancellationToken, Task<AssumeRoleResponse>>> _script = new();
    private readonly ConcurrentQueue<StsCall> _calls = new();
    private readonly ConcurrentQueue<StsSourceCall> _sourceCalls = new();
    private readonly ConcurrentQueue<Func<StsSourceCall, Exception?>> _sourceScript = new();
    private int _issued;

    public List<StsCall> Calls => [.. _calls];

    public int CallCount => _calls.Count;

    /// <summary>Every source-operation request, oldest first.</summary>
    public List<StsSourceCall> SourceCalls => [.. _sourceCalls];

    /// <summary>
    /// Decides, per client endpoint, whether a call fails before it is answered (a regional outage). Applies to every
    /// operation and is consulted before any scripted step.
    /// </summary>
    public Func<StsOptions, Exception?>? EndpointFault { get; set; }

    public List<StsOptions> ClientOptions { get; } = [];

    /// <summary>
    /// Decides, per client endpoint, whether a call is black-holed: it never answers and ends only when its token is
    /// cancelled (an attempt timeout). Consulted before <see cref="EndpointFault"/>.
    /// </summary>
    public Func<StsOptions, bool>? EndpointBlackHole { get; set; }

    /// <summary>The endpoint (its ServiceUrl, else its Region) of every call of any operation, oldest first, faults included.</summary>
    public List<string?> EndpointCalls => [.. _endpointCalls];

    private readonly ConcurrentQueue<string?> _endpointCalls = new();

    /// <summary>Records the call's endpoint and applies the endpoint's black hole or fault, if any.</summary>
    private async Task ReachEndpointAsync(StsOptions options, CancellationToken cancellationToken)
    {
        _endpointCalls.Enqueue(options.ServiceUrl ?? options.Region);
        if (EndpointBlackHole?.Invoke(options) == true)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (EndpointFault?.Invoke(options) is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>Changes every source-operation answer before it is returned (a response that lies about who it is for).</summary>
    public Action<object>? AlterSourceResponse { get; set; }

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
            .Returns(async ci =>
            {
                await ReachEndpointAsync(options, ci.Arg<CancellationToken>());
                return await HandleAsync(credentials, ci.Arg<AssumeRoleRequest>(), ci.Arg<CancellationToken>());
            });
        client.AssumeRoleWithWebIdentityAsync(Arg.Any<AssumeRoleWithWebIdentityRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => HandleSourceAsync(credentials, options, "AssumeRoleWithWebIdentity", ci.Arg<AssumeRoleWithWebIdentityRequest>(), call =>
            {
                var r = (AssumeRoleWithWebIdentityRequest)call.Request;
                return new AssumeRoleWithWebIdentityResponse
                {
                    Credentials = NewCredentials(r.RoleArn.Split('/')[^1], r.DurationSeconds),
                    AssumedRoleUser = new AssumedRoleUser { Arn = AssumedRoleArn(r.RoleArn, r.RoleSessionName), AssumedRoleId = "AROAWEB:" + r.RoleSessionName },
                };
            }, ci.Arg<CancellationToken>()));
        client.AssumeRoleWithSAMLAsync(Arg.Any<AssumeRoleWithSAMLRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => HandleSourceAsync(credentials, options, "AssumeRoleWithSAML", ci.Arg<AssumeRoleWithSAMLRequest>(), call =>
            {
                var r = (AssumeRoleWithSAMLRequest)call.Request;
                return new AssumeRoleWithSAMLResponse
                {
                    Credentials = NewCredentials(r.RoleArn.Split('/')[^1], r.DurationSeconds),
                    AssumedRoleUser = new AssumedRoleUser { Arn = AssumedRoleArn(r.RoleArn, "saml-user"), AssumedRoleId = "AROASAML:saml-user" },
                };
            }, ci.Arg<CancellationToken>()));
        client.GetSessionTokenAsync(Arg.Any<GetSessionTokenRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => HandleSourceAsync(credentials, options, "GetSessionToken", ci.Arg<GetSessionTokenRequest>(), call =>
                new GetSessionTokenResponse { Credentials = NewCredentials("SESSION", ((GetSessionTokenRequest)call.Request).DurationSeconds ?? 43200) }, ci.Arg<CancellationToken>()));
        client.GetFederationTokenAsync(Arg.Any<GetFederationTokenRequest>(), Arg.Any<CancellationToken>())
            .Returns(ci => HandleSourceAsync(credentials, options, "GetFederationToken", ci.Arg<GetFederationTokenRequest>(), call =>
            {
                var r = (GetFederationTokenRequest)call.Request;
                return new GetFederationTokenResponse
                {
                    Credentials = NewCredentials("FED", r.DurationSeconds ?? 43200),
                    FederatedUser = new FederatedUser { Arn = $"arn:aws:sts::111122223333:federated-user/{r.Name}", FederatedUserId = "111122223333:" + r.Name },
                };
            }, ci.Arg<CancellationToken>()));
        return client;
    }

    public void Enqueue(Func<StsCall, CancellationToken, Task<AssumeRoleResponse>> step) => _script.Enqueue(step);

    /// <summary>The next source-operation call fails with the exception <paramref name="step"/> returns (or succeeds when it returns null).</summary>
    public void EnqueueSource(Func<StsSourceCall, Exception?> step) => _sourceScript.Enqueue(step);

    /// <summary>The next <paramref name="times"/> source-operation calls fail with <paramref name="code"/>.</summary>
    public void EnqueueSourceError(string code, HttpStatusCode status = HttpStatusCode.BadRequest, string message = "error", int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            EnqueueSource(_ => Error(code, status, message));
        }
    }

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

    /// <summary>The assumed-role ARN STS gives a session of <paramref name="roleArn"/>: its partition and account, the role's name.</summary>
    public static string AssumedRoleArn(string roleArn, string sessionName)
    {
        var parts = roleArn.Split(':');
        return $"arn:{parts[1]}:sts::{parts[4]}:assumed-role/{roleArn.Split('/')[^1]}/{sessionName}";
    }

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
                Arn = AssumedRoleArn(call.Request.RoleArn, call.Request.RoleSessionName),
                AssumedRoleId = $"AROAEXAMPLE:{call.Request.RoleSessionName}",
            },
            SourceIdentity = call.Request.SourceIdentity,
        };
    }

    private Credentials NewCredentials(string name, int? durationSeconds)
    {
        var n = Interlocked.Increment(ref _issued);
        var secret = $"SECRET{Guid.NewGuid():N}";
        var token = $"TOKEN{Guid.NewGuid():N}";
        IssuedSecrets.Add(secret);
        IssuedSecrets.Add(token);
        return new Credentials
        {
            AccessKeyId = $"ASIA{name.ToUpperInvariant()}{n:D6}",
            SecretAccessKey = secret,
            SessionToken = token,
            Expiration = (time.GetUtcNow() + (Lifetime ?? TimeSpan.FromSeconds(durationSeconds ?? 3600))).UtcDateTime,
        };
    }

    private async Task<T> HandleSourceAsync<T>(
        AWSCredentials signer, StsOptions options, string operation, AmazonWebServiceRequest request, Func<StsSourceCall, T> answer, CancellationToken cancellationToken)
    {
        string? signerKey = null;
        if (signer is not AnonymousAWSCredentials)
        {
            signerKey = (await signer.GetCredentialsAsync()).AccessKey;
        }

        var call = new StsSourceCall(operation, request, signerKey, options);
        _sourceCalls.Enqueue(call);
        await ReachEndpointAsync(options, cancellationToken);

        if (_sourceScript.TryDequeue(out var step) && step(call) is { } error)
        {
            throw error;
        }

        var response = answer(call);
        AlterSourceResponse?.Invoke(response!);
        return response;
    }

    private async Task<AssumeRoleResponse> HandleAsync(AWSCredentials signer, AssumeRoleRequest request, CancellationToken cancellationToken)
    {
        var signing = await signer.GetCredentialsAsync();
        var call = new StsCall(request, signing.AccessKey, signing.Token);
        var sentAt = SendsDateHeader ? StsClockObservation.RequestSending() : null;
        _calls.Enqueue(call);
        var response = _script.TryDequeue(out var step) ? await step(call, cancellationToken) : Success(call);
        if (SendsDateHeader)
        {
            // HTTP dates have whole seconds.
            var now = time.GetUtcNow();
            StsClockObservation.ResponseReceived(sentAt, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        }

        return response;
    }
}
