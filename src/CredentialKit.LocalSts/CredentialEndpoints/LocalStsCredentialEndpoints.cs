namespace CredentialKit.LocalSts;

/// <summary>
/// The credential endpoints LocalSts serves beside STS, on the same port, for the platforms' own sources: an ECS/EKS
/// Pod Identity container-credentials endpoint and an EC2 instance metadata service (IMDSv2, and IMDSv1 when allowed).
/// Each issues assumed-role sessions of a role of the model, which LocalSts's STS accepts like any other (so a test can
/// chain roles after them). Settings may change while the server runs.
/// </summary>
/// <remarks>
/// Point the SDKs at them with <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c> = <see cref="ContainerUri"/> (and
/// <c>AWS_CONTAINER_AUTHORIZATION_TOKEN</c> = <see cref="ContainerAuthorizationToken"/>) and
/// <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c> = the server's endpoint, and the SSO portal and SSO OIDC (<c>AWS_ENDPOINT_URL_SSO</c>
/// and <c>AWS_ENDPOINT_URL_SSO_OIDC</c> = the server's endpoint) with tokens from <see cref="IssueSsoToken"/>. Requests are journaled as operations
/// <see cref="ContainerOperation"/>, <see cref="ImdsTokenOperation"/> and <see cref="ImdsCredentialsOperation"/>, and
/// faults scripted for those names (or for every operation) apply to them: an error fault answers with its HTTP status.
/// </remarks>
public sealed class LocalStsCredentialEndpoints
{
    /// <summary>The path of the container-credentials endpoint.</summary>
    public const string ContainerPath = "/v2/credentials/localsts";

    /// <summary>The journal's operation name for container-credentials requests.</summary>
    public const string ContainerOperation = "ContainerCredentials";

    /// <summary>The journal's operation name for SSO portal requests.</summary>
    public const string SsoGetRoleCredentialsOperation = "GetRoleCredentials";

    /// <summary>The journal's operation name for SSO OIDC token requests.</summary>
    public const string SsoCreateTokenOperation = "CreateToken";

    /// <summary>The journal's operation name for IMDSv2 token requests (<c>PUT /latest/api/token</c>).</summary>
    public const string ImdsTokenOperation = "ImdsToken";

    /// <summary>The journal's operation name for IMDS credential requests (<c>GET /latest/meta-data/iam/security-credentials/…</c>).</summary>
    public const string ImdsCredentialsOperation = "ImdsCredentials";

    private readonly Func<Uri> _endpoint;

    internal LocalStsCredentialEndpoints(Func<Uri> endpoint, TimeProvider time)
    {
        _endpoint = endpoint;
        SsoTokens = new Hosting.SsoTokenStore(time);
    }

    /// <summary>Gets the SSO tokens issued, which the SSO portal and SSO OIDC endpoints check.</summary>
    internal Hosting.SsoTokenStore SsoTokens { get; }

    /// <summary>
    /// Gets or sets how long the access tokens SSO OIDC <c>CreateToken</c> issues on a refresh last.
    /// </summary>
    /// <value>Default 1 hour.</value>
    public TimeSpan SsoAccessTokenLifetime
    {
        get => SsoTokens.AccessTokenLifetime;
        set => SsoTokens.AccessTokenLifetime = value;
    }

    /// <summary>
    /// Issues an SSO access token with its refresh token and client registration, as <c>aws sso login</c> would obtain
    /// them: the SSO portal (<c>GetRoleCredentials</c>, for any role of the model) accepts the access token until it
    /// ends, and SSO OIDC <c>CreateToken</c> redeems the refresh token once for a new pair.
    /// </summary>
    /// <param name="lifetime">How long the access token lasts (server clock).</param>
    /// <returns>What the CLI writes into its token cache.</returns>
    public LocalStsSsoToken IssueSsoToken(TimeSpan lifetime) => SsoTokens.Issue(lifetime);

    /// <summary>Gets or sets the role whose sessions the container endpoint hands out; <see langword="null"/>: it answers 404.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? ContainerRoleArn { get; set; }

    /// <summary>Gets or sets the exact <c>Authorization</c> header value the container endpoint requires; <see langword="null"/>: none.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? ContainerAuthorizationToken { get; set; }

    /// <summary>Gets or sets the instance profile role IMDS hands out sessions of; <see langword="null"/>: IMDS answers 404.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? InstanceRoleArn { get; set; }

    /// <summary>Gets or sets whether IMDS requires a session token (<c>HttpTokens=required</c>): IMDSv1 requests get 401.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool InstanceRequiresToken { get; set; } = true;

    /// <summary>
    /// Gets or sets whether token requests go unanswered, as they do from a container when the instance's hop limit is 1
    /// (the response dies one hop short): the client times out and, where allowed, falls back to IMDSv1.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool InstanceTokenResponsesDropped { get; set; }

    /// <summary>Gets or sets how long the sessions of both endpoints last.</summary>
    /// <value>Default 6 hours, as EC2 and ECS issue them.</value>
    public TimeSpan SessionDuration { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Gets or sets how long before its expiry an endpoint stops handing out the current session and issues the next
    /// (until then every request gets the same one, as on EC2 and ECS).
    /// </summary>
    /// <value>Default 90 minutes.</value>
    public TimeSpan RotateBefore { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Gets the container-credentials URL, for <c>AWS_CONTAINER_CREDENTIALS_FULL_URI</c>.</summary>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public Uri ContainerUri => new(_endpoint(), ContainerPath);
}
