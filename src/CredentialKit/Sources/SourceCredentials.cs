using Amazon.Runtime;

namespace CredentialKit;

/// <summary>The credentials that sign a chain's first STS call, and a fingerprint that identifies them without revealing them.</summary>
/// <param name="Credentials">The signing credentials.</param>
/// <param name="Fingerprint">Identifies the source in session-cache keys; contains no secret in clear.</param>
internal sealed record SourceCredentials(AWSCredentials Credentials, string Fingerprint);
