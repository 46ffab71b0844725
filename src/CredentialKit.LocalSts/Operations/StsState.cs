using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Sessions;

namespace CredentialKit.LocalSts.Operations;

/// <summary>What every operation reads: the model, the issued sessions, the options and the clock.</summary>
internal sealed record StsState(IdentityStore Identities, SessionStore Sessions, LocalStsOptions Options, TimeProvider Time);
