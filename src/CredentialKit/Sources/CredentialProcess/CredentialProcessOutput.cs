using System.Text.Json;

namespace CredentialKit;

/// <summary>
/// Reads the JSON a credential process prints (<c>Version</c> 1: <c>AccessKeyId</c>, <c>SecretAccessKey</c>, optional
/// <c>SessionToken</c> and <c>Expiration</c>), as the AWS CLI reads it. Problems are described by field name only: the
/// output itself holds the secret and is never repeated.
/// </summary>
internal static class CredentialProcessOutput
{
    /// <summary>Parses <paramref name="json"/>; on failure <paramref name="problem"/> says what is wrong without quoting it.</summary>
    public static SessionCredentials? TryParse(ReadOnlyMemory<byte> json, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problem = $"its output is not JSON (at byte {e.BytePositionInLine ?? 0} of line {(e.LineNumber ?? 0) + 1})";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"its output is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object";
                return null;
            }

            if (!root.TryGetProperty("Version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number) || number != CredentialProcessDefaults.Version)
            {
                problem = "its output has no \"Version\": 1 (the only version the AWS CLI defines)";
                return null;
            }

            var accessKeyId = SourceJson.Text(root, "AccessKeyId");
            var secret = SourceJson.Text(root, "SecretAccessKey");
            if (accessKeyId is null || secret is null)
            {
                problem = $"its output lacks {(accessKeyId is null ? "AccessKeyId" : "SecretAccessKey")}";
                return null;
            }

            var expiration = CredentialProcessDefaults.StaticExpiration;
            if (SourceJson.Text(root, "Expiration") is { } text)
            {
                if (!SourceJson.TryParseInstant(text, out expiration))
                {
                    problem = "its Expiration is not an ISO 8601 date and time";
                    return null;
                }
            }

            problem = null;
            return new SessionCredentials(accessKeyId, secret, SourceJson.Text(root, "SessionToken"), expiration);
        }
    }
}
