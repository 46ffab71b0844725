using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Protocol;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>What every operation reads: the model, the issued sessions, the options and the clock, and the key of the
/// authorization messages the server encodes.</summary>
internal sealed record StsState(IdentityStore Identities, SessionStore Sessions, LocalStsOptions Options, TimeProvider Time)
{
    public AuthorizationMessages AuthorizationMessages { get; } = new();
}
