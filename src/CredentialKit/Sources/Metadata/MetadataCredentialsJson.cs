using System.Text.Json;

namespace CredentialKit;

/// <summary>
/// Reads the credentials JSON of the container endpoint and of IMDS (<c>AccessKeyId</c>, <c>SecretAccessKey</c>,
/// <c>Token</c>, <c>Expiration</c>, and for IMDS <c>Code</c>). Problems name fields only, never values.
/// </summary>
internal static class MetadataCredentialsJson
{
    public static SessionCredentials? TryParse(string json, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the answer is not a JSON object";
                return null;
            }

            if (SourceJson.Text(root, "Code") is { } code && code != "Success")
            {
                // IMDS's own status word (not secret): for example "AssumeRoleUnauthorizedAccess".
                problem = $"the answer's Code is '{SecretRedaction.Echoed(code)}'";
                return null;
            }

            var accessKeyId = SourceJson.Text(root, "AccessKeyId");
            var secret = SourceJson.Text(root, "SecretAccessKey");
            var token = SourceJson.Text(root, "Token");
            var expirationText = SourceJson.Text(root, "Expiration");
            var missing = accessKeyId is null ? "AccessKeyId" : secret is null ? "SecretAccessKey" : token is null ? "Token" : expirationText is null ? "Expiration" : null;
            if (missing is not null)
            {
                problem = $"the answer lacks {missing}";
                return null;
            }

            if (!SourceJson.TryParseInstant(expirationText, out var expiration))
            {
                problem = "the answer's Expiration is not an ISO 8601 date and time";
                return null;
            }

            problem = null;
            return new SessionCredentials(accessKeyId!, secret!, token, expiration, assumedRoleArn: null);
        }
        catch (JsonException)
        {
            problem = "the answer is not JSON";
            return null;
        }
    }
}
