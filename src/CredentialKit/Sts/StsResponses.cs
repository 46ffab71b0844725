using System.Globalization;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Checks STS responses and maps their shapes to <see cref="SessionCredentials"/>.</summary>
/// <remarks>
/// STS's model marks all four <c>Credentials</c> members required (shared/sts-facts.md §1.1). A 200 that lacks one, or
/// carries one no AWS service would accept, is refused here as <see cref="MalformedStsResponseException"/>, so the
/// pipeline retries it as transient instead of handing out a session no AWS call accepts.
/// </remarks>
internal static class StsResponses
{
    /// <summary>
    /// The longest access key id accepted: the bound of STS's model (<c>accessKeyIdType</c>, 16–128). The model's minimum
    /// is not enforced: STS issues 20 characters, and emulators and test doubles issue shorter ids that do no harm.
    /// </summary>
    public const int AccessKeyIdMaxLength = 128;

    /// <summary>
    /// The longest secret access key accepted. STS issues 40 characters; the model sets no bound, so this only stops an
    /// absurd value (a proxy page pasted into the field).
    /// </summary>
    public const int SecretAccessKeyMaxLength = 1024;

    /// <summary>
    /// The longest session token accepted. Tokens grow with session tags and policies and reach a few KB; the model sets
    /// no bound, so this only stops an absurd value.
    /// </summary>
    public const int SessionTokenMaxLength = 16 * 1024;

    public static SessionCredentials ToSessionCredentials(
        Credentials? credentials, string? assumedRoleArn, string? sourceIdentity, int? packedPolicySize, string? region = null)
    {
        Check(credentials, assumedRoleArn);
        return new(
            credentials!.AccessKeyId,
            credentials.SecretAccessKey,
            credentials.SessionToken,
            ToUtc(credentials.Expiration),
            assumedRoleArn,
            sourceIdentity,
            packedPolicySize,
            region);
    }

    /// <summary>
    /// Throws <see cref="MalformedStsResponseException"/> when <paramref name="response"/> is an STS session response
    /// (AssumeRole, …WithWebIdentity, …WithSAML, GetSessionToken, GetFederationToken) whose credentials are unusable.
    /// Other responses pass.
    /// </summary>
    public static void Check<T>(T response)
    {
        switch (response)
        {
            case AssumeRoleResponse r:
                Check(r.Credentials, r.AssumedRoleUser?.Arn);
                break;
            case AssumeRoleWithWebIdentityResponse r:
                Check(r.Credentials, r.AssumedRoleUser?.Arn);
                break;
            case AssumeRoleWithSAMLResponse r:
                Check(r.Credentials, r.AssumedRoleUser?.Arn);
                break;
            case GetSessionTokenResponse r:
                Check(r.Credentials, assumedRoleArn: null);
                break;
            case GetFederationTokenResponse r:
                Check(r.Credentials, r.FederatedUser?.Arn);
                break;
        }
    }

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown by an STS client call, means the 200 body could not be read: the SDK
    /// surfaces a garbled timestamp or number as a bare <see cref="FormatException"/> (or overflow) from its unmarshaller.
    /// </summary>
    public static bool IsUnreadableBody(Exception exception) =>
        exception is FormatException or OverflowException or InvalidCastException;

    /// <summary>The SDK parses <c>Expiration</c> into a <see cref="DateTime"/> whose kind has varied between versions.</summary>
    public static DateTimeOffset ToUtc(DateTime? expiration)
    {
        var value = expiration ?? throw new MalformedStsResponseException("STS answered without Credentials.Expiration.");
        return value.Kind switch
        {
            DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
            _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
        };
    }

    private static void Check(Credentials? credentials, string? assumedRoleArn)
    {
        if (credentials is null)
        {
            throw new MalformedStsResponseException("STS answered without Credentials.");
        }

        var problems = new List<string>();
        CheckLength(problems, "AccessKeyId", credentials.AccessKeyId, 1, AccessKeyIdMaxLength);
        if (credentials.AccessKeyId is { Length: >= 1 and <= AccessKeyIdMaxLength } id && !id.All(IsWordCharacter))
        {
            problems.Add("Credentials.AccessKeyId has characters other than A–Z a–z 0–9 _ -");
        }

        CheckLength(problems, "SecretAccessKey", credentials.SecretAccessKey, 1, SecretAccessKeyMaxLength);
        CheckLength(problems, "SessionToken", credentials.SessionToken, 1, SessionTokenMaxLength);
        if (credentials.Expiration is not { } expiration)
        {
            problems.Add("Credentials.Expiration is missing");
        }
        else if (expiration == DateTime.MinValue || expiration == DateTime.MaxValue)
        {
            problems.Add("Credentials.Expiration is not a real instant");
        }

        if (assumedRoleArn is { Length: > StsLimits.ArnMaxLength })
        {
            problems.Add($"the session ARN is {assumedRoleArn.Length.ToString(CultureInfo.InvariantCulture)} characters long, above {StsLimits.ArnMaxLength}");
        }

        if (problems.Count > 0)
        {
            throw new MalformedStsResponseException($"STS answered 200 with unusable credentials: {string.Join("; ", problems)}.");
        }
    }

    private static void CheckLength(List<string> problems, string field, string? value, int min, int max)
    {
        if (value is null)
        {
            problems.Add($"Credentials.{field} is missing");
        }
        else if (value.Length < min || value.Length > max)
        {
            // The length only: the value may be the secret key.
            problems.Add($"Credentials.{field} is {value.Length.ToString(CultureInfo.InvariantCulture)} characters long, outside {min.ToString(CultureInfo.InvariantCulture)}–{max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>STS's <c>[\w]*</c>, plus '-' which test doubles and emulators put into made-up ids.</summary>
    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
