namespace CredentialKit;

/// <summary>The limits a <c>credential_process</c> runs under (the README's sources page mirrors them).</summary>
internal static class CredentialProcessDefaults
{
    /// <summary>
    /// How long the process may run before it is killed. The AWS CLI sets none; a process that opens a browser for a
    /// sign-in needs a while, and one that hangs must not hold a refresh for ever.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>The most stdout that is read: credentials are well under 8 KB; anything near this is not credentials.</summary>
    public const int MaxOutputBytes = 64 * 1024;

    /// <summary>The most stderr that is kept (only ever shown masked and cut to <see cref="SecretRedaction.MaxEchoedLength"/>).</summary>
    public const int MaxErrorBytes = 4 * 1024;

    /// <summary>The only output format version the AWS CLI defines.</summary>
    public const int Version = 1;

    /// <summary>
    /// The expiration given to credentials the process returns without one: they are static and never refreshed, and
    /// this instant is far enough away that nothing plans a refresh, yet adding hours to it cannot overflow.
    /// </summary>
    public static readonly DateTimeOffset StaticExpiration = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
