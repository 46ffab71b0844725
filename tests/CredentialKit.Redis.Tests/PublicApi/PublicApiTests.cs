using CredentialKit.Redis;

namespace CredentialKit.Redis.Tests.PublicApi;

/// <summary>Guards the package's public surface; to accept a change, copy the written <c>*.received.txt</c> over the approved file.</summary>
public class PublicApiTests
{
    [Fact]
    public void CredentialKitRedis_PublicApi_MatchesApprovedSnapshot() =>
        PublicApiSnapshot.Verify(typeof(RedisSharedSessionStore).Assembly, "CredentialKit.Redis", "CredentialKit.Redis.Tests");
}
