using System.Runtime.CompilerServices;
using System.Threading;
using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// Turns <see cref="SourceCredentialsOptions"/> into signing credentials. The seam for further source types
/// (web identity, SAML, GetSessionToken, federation tokens, named profiles).
/// </summary>
internal static class SourceCredentialsFactory
{
    private static readonly ConditionalWeakTable<AWSCredentials, object> InstanceIds = new();
    private static long s_nextInstanceId;

    public static SourceCredentials Create(SourceCredentialsOptions options) => options.Type switch
    {
        SourceCredentialsType.Static => CreateStatic(options),
        SourceCredentialsType.Default => new SourceCredentials(new DefaultChainCredentials(), "default"),
        SourceCredentialsType.Credentials => FromInstance(options.Credentials
            ?? throw new ArgumentException("Source.Credentials is required when Source.Type is Credentials.", nameof(options))),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Type, "Unknown Source.Type."),
    };

    /// <summary>Wraps an existing credentials object; instances are told apart by identity, never by content.</summary>
    public static SourceCredentials FromInstance(AWSCredentials credentials)
    {
        var id = InstanceIds.GetValue(credentials, static _ => Interlocked.Increment(ref s_nextInstanceId));
        return new SourceCredentials(credentials, $"instance:{id}");
    }

    private static SourceCredentials CreateStatic(SourceCredentialsOptions options)
    {
        var accessKeyId = options.AccessKeyId ?? throw new ArgumentException("Source.AccessKeyId is required.", nameof(options));
        var secret = options.SecretAccessKey ?? throw new ArgumentException("Source.SecretAccessKey is required.", nameof(options));
        AWSCredentials credentials = string.IsNullOrEmpty(options.SessionToken)
            ? new BasicAWSCredentials(accessKeyId, secret)
            : new SessionAWSCredentials(accessKeyId, secret, options.SessionToken);
        return new SourceCredentials(credentials, $"static:{accessKeyId}:{CacheKeys.Hash(secret + "\n" + options.SessionToken)}");
    }
}
