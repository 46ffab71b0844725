using System.Text.Json;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Protocol;
using Microsoft.AspNetCore.Http;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>
/// The SSO portal's <c>GetRoleCredentials</c> (<c>GET /federation/credentials</c>, bearer token in
/// <c>x-amz-sso_bearer_token</c>) and SSO OIDC's <c>CreateToken</c> with a refresh token (<c>POST /token</c>), in the
/// REST-JSON shapes the AWS SDKs parse. Role credentials are sessions of the model's role, which LocalSts's STS accepts.
/// </summary>
internal sealed class SsoPortalHandler(StsState state, SsoTokenStore tokens, LocalStsCredentialEndpoints settings)
{
    public const string RoleCredentialsPath = "/federation/credentials";
    public const string TokenPath = "/token";
    public const string GetRoleCredentialsOperation = LocalStsCredentialEndpoints.SsoGetRoleCredentialsOperation;
    public const string CreateTokenOperation = LocalStsCredentialEndpoints.SsoCreateTokenOperation;

    public static string? OperationOf(PathString path) =>
        path.Equals(RoleCredentialsPath, StringComparison.Ordinal) ? GetRoleCredentialsOperation
        : path.Equals(TokenPath, StringComparison.Ordinal) ? CreateTokenOperation
        : null;

    /// <returns>The JSON body and the access key id issued, if any.</returns>
    public async Task<(string Body, string? Issued)> HandleAsync(HttpContext context, string operation, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "application/json";
        return operation == GetRoleCredentialsOperation ? GetRoleCredentials(context) : (await CreateTokenAsync(context, cancellationToken).ConfigureAwait(false), null);
    }

    private (string Body, string? Issued) GetRoleCredentials(HttpContext context)
    {
        var bearer = context.Request.Headers["x-amz-sso_bearer_token"].ToString();
        if (!tokens.IsValid(bearer))
        {
            throw Error(context, "UnauthorizedException", "Session token not found or invalid", 401);
        }

        var accountId = context.Request.Query["account_id"].ToString();
        var roleName = context.Request.Query["role_name"].ToString();
        var (account, role) = state.Identities.FindRole($"arn:aws:iam::{accountId}:role/{roleName}")
            ?? throw Error(context, "ForbiddenException", "No access", 403);

        var (session, _) = RoleSessionFactory.Issue(state, new RoleSessionFactory.Request(
            "GetRoleCredentials", account, role, "sso-user", settings.SessionDuration, new Dictionary<string, string>(), [],
            SourceIdentity: null, MfaAuthenticated: false, SourceAccessKeyId: null, PackedPolicySize: null));
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["roleCredentials"] = new Dictionary<string, object>
            {
                ["accessKeyId"] = session.AccessKeyId,
                ["secretAccessKey"] = session.SecretAccessKey,
                ["sessionToken"] = session.SessionToken,
                ["expiration"] = session.Expiration.ToUnixTimeMilliseconds(),
            },
        });
        return (body, session.AccessKeyId);
    }

    private async Task<string> CreateTokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        string Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
        if (Text("grantType") != "refresh_token")
        {
            throw Error(context, "UnsupportedGrantTypeException", "Only refresh_token is served", 400);
        }

        var issued = tokens.Refresh(Text("refreshToken"), Text("clientId"), Text("clientSecret"))
            ?? throw Error(context, "InvalidGrantException", "Invalid refresh token provided", 400);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["accessToken"] = issued.AccessToken,
            ["expiresIn"] = (int)(issued.ExpiresAt - state.Time.GetUtcNow()).TotalSeconds,
            ["refreshToken"] = issued.RefreshToken,
            ["tokenType"] = "Bearer",
        });
    }

    private static StsException Error(HttpContext context, string type, string message, int status)
    {
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return new StsException(type, message, status);
    }

    /// <summary>The JSON error body of these services.</summary>
    public static string ErrorBody(string code, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message });
}
