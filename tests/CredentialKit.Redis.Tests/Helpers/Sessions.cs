using System.Security.Cryptography;

namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>Sessions with unguessable secrets, so the "no secret in Redis" scans look for something that cannot occur by chance.</summary>
internal static class Sessions
{
    public static SessionCredentials Create(DateTimeOffset expiration, string? accessKeyId = null) => new(
        accessKeyId ?? "ASIA" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        "secret/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
        "token/" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)),
        expiration,
        "arn:aws:sts::111122223333:assumed-role/hub/app",
        "alice",
        7,
        "eu-west-1");

    public static string NewPrefix() => "ck-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)) + ":";

    public static string NewHop() => "ckf1:" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
