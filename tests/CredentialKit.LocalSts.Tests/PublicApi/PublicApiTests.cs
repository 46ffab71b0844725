using CredentialKit.LocalSts;
using CredentialKit.Testing;

namespace CredentialKit.LocalSts.Tests.PublicApi;

/// <summary>
/// Guards the emulator's public surface: a change to it fails this test until the approved snapshot is updated on
/// purpose. To accept a change, copy the written <c>*.received.txt</c> over the <c>*.approved.txt</c> next to this file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void LocalSts_PublicApi_MatchesApprovedSnapshot() =>
        PublicApiSnapshot.Verify(typeof(LocalStsServer).Assembly, "CredentialKit.LocalSts", "CredentialKit.LocalSts.Tests");
}
