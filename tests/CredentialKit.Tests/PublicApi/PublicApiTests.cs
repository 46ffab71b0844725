namespace CredentialKit.Tests.PublicApi;

/// <summary>
/// Guards the public surface: a change to it fails this test until the approved snapshot is updated on purpose.
/// To accept a change, copy the written <c>*.received.txt</c> over the <c>*.approved.txt</c> next to this file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void CredentialKit_PublicApi_MatchesApprovedSnapshot() =>
        PublicApiSnapshot.Verify(typeof(ICredentialProvider).Assembly, "CredentialKit", "CredentialKit.Tests");
}
