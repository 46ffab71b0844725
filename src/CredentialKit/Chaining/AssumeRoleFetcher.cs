using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.Extensions.Logging;

namespace CredentialKit;

/// <summary>
/// Issues a session for one hop with STS <c>AssumeRole</c>, signed by the previous hop's session (or the source
/// credentials). Handles the two STS answers that the service can recover from on its own: a duration above the role's
/// MaxSessionDuration (retry once with one hour) and an expired signing session (refresh it and retry once).
/// </summary>
internal sealed class AssumeRoleFetcher : ISessionFetcher
{
    private const string Operation = "AssumeRole";

    private readonly AssumeRoleTemplate _template;
    private readonly string? _profileName;
    private readonly ILogger _logger;
    private readonly StsCallPipeline _pipeline;
    private readonly SharedStsClients.Entry _clients;
    private readonly SessionDurationFallback _duration;

    /// <summary>Creates the fetcher of one hop.</summary>
    /// <param name="template">The request.</param>
    /// <param name="clients">
    /// The STS clients of the hop's signer, rented from the cache's <see cref="SharedStsClients"/>; returned on disposal.
    /// </param>
    /// <param name="settings">The refresh settings (they pick the cache's shared pipeline).</param>
    /// <param name="context">The cache's services.</param>
    /// <param name="profileName">The profile, for logs and errors.</param>
    public AssumeRoleFetcher(
        AssumeRoleTemplate template,
        SharedStsClients.Entry clients,
        RefreshSettings settings,
        CredentialKitContext context,
        string? profileName)
    {
        _template = template;
        _clients = clients;
        _profileName = profileName;
        _logger = context.LoggerFactory.CreateLogger("CredentialKit.CredentialProvider");
        _pipeline = new StsCallPipeline(settings, context);
        _duration = new SessionDurationFallback(template.Duration);
        if (template.IsDurationClamped)
        {
            Log.DurationClampedForChaining(_logger, template.RoleArn, template.RequestedDuration, template.Duration);
        }
    }

    public string RoleArn => _template.RoleArn;

    public async Task<SessionCredentials> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var call = new StsCallState(RoleArn, request);
        var secrets = new SentSecrets();
        var retriedParent = false;
        while (true)
        {
            try
            {
                var (response, region) = await _clients.Clients.ExecuteAsync(
                    _pipeline,
                    Operation,
                    async (client, ct) => await client.AssumeRoleAsync(await BuildRequestAsync(_duration.Current, secrets, ct).ConfigureAwait(false), ct).ConfigureAwait(false),
                    call,
                    secrets,
                    cancellationToken).ConfigureAwait(false);
                return ToSessionCredentials(response, region);
            }
            catch (AmazonServiceException e) when (_duration.TryFallBack(e, _logger, RoleArn))
            {
                // Retried with the one hour every role allows.
            }
            catch (AmazonServiceException e) when (e.ErrorCode == "ExpiredToken" && _clients.Parent is { } parent && !retriedParent)
            {
                // STS says the session signing this call has expired (revoked, or clocks disagree): renew it once.
                Log.ParentSessionExpired(_logger, RoleArn);
                retriedParent = true;
                parent.Invalidate();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw Failure(e, call.Attempts);
            }
        }
    }

    public void Dispose() => _clients.Return();

    // A ValueTask: without MFA it completes synchronously, and a refresh then allocates no Task for the request.
    private async ValueTask<AssumeRoleRequest> BuildRequestAsync(TimeSpan duration, SentSecrets secrets, CancellationToken cancellationToken)
    {
        var request = new AssumeRoleRequest
        {
            RoleArn = _template.RoleArn,
            RoleSessionName = _template.RoleSessionName,
            DurationSeconds = (int)duration.TotalSeconds,
        };
        if (_template.ExternalId is { } externalId)
        {
            request.ExternalId = externalId;
        }

        if (_template.Tags.Length > 0)
        {
            request.Tags = SessionTags.From(_template.Tags);
        }

        if (_template.TransitiveTagKeys.Length > 0)
        {
            request.TransitiveTagKeys = [.. _template.TransitiveTagKeys];
        }

        if (_template.Policy is { } policy)
        {
            request.Policy = policy;
        }

        request.PolicyArns = PolicyDescriptors.From(_template.PolicyArns);

        if (_template.SourceIdentity is { } sourceIdentity)
        {
            request.SourceIdentity = sourceIdentity;
        }

        if (_template.MfaSerialNumber is { } serial)
        {
            request.SerialNumber = serial;
            request.TokenCode = await MfaTokenCodes.GetAsync(_template.MfaTokenCodeProvider, RoleArn, _profileName, cancellationToken).ConfigureAwait(false);
            secrets.Add(request.TokenCode);
        }

        return request;
    }

    private SessionCredentials ToSessionCredentials(AssumeRoleResponse response, string? region)
    {
        var credentials = response.Credentials
            ?? throw new CredentialRefreshException(
                $"STS answered AssumeRole for {RoleArn}{RefreshingSession.ProfileSuffix(_profileName)} without credentials.",
                _profileName, RoleArn, "MalformedResponse", attempts: 1, isTransient: true, innerException: null);
#pragma warning disable CS0618 // STS still sends PackedPolicySize on the wire; the SDK marks the property obsolete in favour of a newer member.
        var packedPolicySize = response.PackedPolicySize;
#pragma warning restore CS0618
        // Derived per answer, not held: a fetcher lives as long as its hop, and a tenant's hop should not carry the parsed
        // parts of its ARN for a check that runs once per refresh.
        ExpectedIdentity.AssumedRole(_template.RoleArn, _template.RoleSessionName).Check(Operation, response.AssumedRoleUser?.Arn);
        return StsResponses.ToSessionCredentials(credentials, response.AssumedRoleUser?.Arn, response.SourceIdentity, packedPolicySize, region);
    }


    private CredentialRefreshException Failure(Exception exception, int attempts) =>
        StsFailures.From(exception, attempts, $"Could not assume role {RoleArn}", RoleArn, _profileName);
}
