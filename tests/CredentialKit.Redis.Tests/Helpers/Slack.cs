namespace CredentialKit.Redis.Tests.Helpers;

/// <summary>
/// Time-boxes for tests that expect Redis to answer: far above any real answer, so a loaded machine (2 cores shared by
/// builds) does not turn a slow success into a fallback. The outage tests use short ones on purpose.
/// </summary>
internal static class Slack
{
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan StoreCallTimeout = TimeSpan.FromSeconds(30);
}
