using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Creates and stores sessions; applies <see cref="LocalStsOptions.SessionLifetimeOverride"/>.</summary>
internal static class SessionIssuer
{
    public static LocalStsSession Issue(StsState state, string accountId, TimeSpan duration, Func<(string Ak, string Token, DateTimeOffset Now, DateTimeOffset Exp), LocalStsSession> create)
    {
        var now = state.Time.GetUtcNow();
        var lifetime = state.Options.SessionLifetimeOverride ?? duration;

        // The wire format has whole seconds; truncating here keeps the server's and the client's expirations identical.
        var expiration = now + lifetime;
        expiration = new DateTimeOffset(expiration.Ticks - (expiration.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var accessKeyId = SessionStore.NewAccessKeyId(accountId);
        var session = create((accessKeyId, state.Sessions.NewSessionToken(accessKeyId, expiration), now, expiration));
        state.Sessions.Add(session);
        return session;
    }
}
