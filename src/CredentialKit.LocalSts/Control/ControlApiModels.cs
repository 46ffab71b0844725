using System.Text.Json;
using System.Text.Json.Serialization;

namespace CredentialKit.LocalSts.Control;

/// <summary>The JSON bodies of the control API (camelCase on the wire; unknown members are refused).</summary>
internal static class ControlApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}

/// <summary>A fault: <c>kind</c> is throttling, internalFailure, serviceUnavailable, idpCommunicationError, error (with
/// <c>code</c>, <c>message</c>, <c>statusCode</c>), delay (with <c>delaySeconds</c>), hang, abortConnection or malformedResponse.</summary>
internal sealed record FaultBody(string? Kind, string? Code = null, string? Message = null, int? StatusCode = null, double? DelaySeconds = null);

/// <summary><c>POST /_localsts/faults</c>: script the next <c>count</c> responses of <c>operation</c> (any when absent).</summary>
internal sealed record EnqueueFaultBody(FaultBody? Fault, string? Operation = null, int Count = 1);

/// <summary><c>PUT /_localsts/outage</c>: every request of <c>operation</c> (all when absent) fails until the outage ends.</summary>
internal sealed record OutageBody(FaultBody? Fault = null, string? Operation = null);

/// <summary><c>PUT /_localsts/rate-limit</c>.</summary>
internal sealed record RateLimitBody(double RequestsPerSecond, int Burst);

/// <summary><c>PUT /_localsts/clock</c>: how far the server's clock runs ahead (negative: behind) of its time source.</summary>
internal sealed record ClockBody(double OffsetSeconds);

/// <summary><c>POST /_localsts/tokens/web-identity</c>: mint an OIDC token for a configured provider.</summary>
internal sealed record WebIdentityTokenBody(
    string Subject, string? Issuer = null, string? Audience = null, double ExpiresInSeconds = 3600,
    Dictionary<string, string>? PrincipalTags = null, List<string>? TransitiveTagKeys = null);

/// <summary><c>POST /_localsts/tokens/saml</c>: mint a SAML assertion for a configured provider.</summary>
internal sealed record SamlAssertionBody(
    string RoleArn, string RoleSessionName, string? PrincipalArn = null, string? Subject = null, double ExpiresInSeconds = 300,
    Dictionary<string, string>? PrincipalTags = null, List<string>? TransitiveTagKeys = null, double? SessionExpiresInSeconds = null);

/// <summary>A session as the control API lists it: everything but the secret key and the session token.</summary>
internal sealed record SessionView(
    string AccessKeyId, string Kind, string Operation, string AccountId, string Arn, string UserId, string? RoleArn, string? RoleSessionName,
    string? SourceIdentity, DateTimeOffset IssuedAt, DateTimeOffset Expiration, IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> TransitiveTagKeys, bool MfaAuthenticated)
{
    public static SessionView From(LocalStsSession s) => new(
        s.AccessKeyId, s.Kind.ToString(), s.Operation, s.AccountId, s.Arn, s.UserId, s.RoleArn, s.RoleSessionName, s.SourceIdentity,
        s.IssuedAt, s.Expiration, s.Tags, s.TransitiveTagKeys, s.MfaAuthenticated);
}

/// <summary><c>GET /_localsts/journal</c>.</summary>
internal sealed record JournalView(int Capacity, long Dropped, IReadOnlyList<LocalStsJournalEntry> Entries);

/// <summary>A control API failure.</summary>
internal sealed class ControlApiException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
