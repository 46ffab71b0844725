namespace CredentialKit;

/// <summary>The states the <c>credentialkit.session.count</c> gauge counts held sessions in; cheap to compute, no lock.</summary>
internal static class SessionGaugeState
{
    public const string Fresh = "fresh";

    public const string BelowMinimumLifetime = "below_minimum_lifetime";

    public const string NoCredentials = "no_credentials";
}
