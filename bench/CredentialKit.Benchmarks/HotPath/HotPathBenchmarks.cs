using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.HotPath;

/// <summary>
/// Suite 1: reading credentials from a valid cached session, CredentialKit against the AWS SDK's
/// <see cref="AssumeRoleAWSCredentials"/>, both primed once against LocalSts on loopback. No STS call happens while
/// measuring (1-hour sessions; the run takes minutes).
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private ICredentialProvider _provider = null!;
    private AWSCredentials _adapter = null!;
    private AssumeRoleAWSCredentials _sdk = null!;
    private LocalStsEnvironment _sts = null!;
    private ICredentialProvider _shared = null!;
    private CountingSharedSessionStore _store = null!;
    private long _storeCallsAfterSetup;
    private int _callsAfterSetup;

    [GlobalSetup]
    public void Setup()
    {
        _sts = LocalStsEnvironment.GetSharedAsync().GetAwaiter().GetResult();
        _provider = _sts.CreateProvider();
        _adapter = _provider.ToAwsCredentials();
        _sdk = LocalStsEnvironment.CreateSdkCredentials();
        _provider.GetCredentialsAsync().AsTask().GetAwaiter().GetResult();
        _sdk.GetCredentialsAsync().GetAwaiter().GetResult();

        // The same profile over a cache with a shared session store: only the refresh path may consult it.
        _store = new CountingSharedSessionStore();
        _shared = CredentialProvider.Create(_sts.Profile(), new SessionCacheOptions { SharedStore = _store }, "bench-shared");
        _shared.GetCredentialsAsync().AsTask().GetAwaiter().GetResult();
        _storeCallsAfterSetup = _store.Calls;
        _callsAfterSetup = _sts.AssumeRoleCalls;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var during = _sts.AssumeRoleCalls - _callsAfterSetup;
        Console.WriteLine($"// STS AssumeRole calls while measuring: {during} (expected 0)");
        Console.WriteLine($"// Shared store calls while measuring: {_store.Calls - _storeCallsAfterSetup} (expected 0)");
        _provider.Dispose();
        _shared.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SDK AssumeRoleAWSCredentials.GetCredentialsAsync()")]
    public Task<ImmutableCredentials> Sdk_GetCredentialsAsync() => _sdk.GetCredentialsAsync();

    [Benchmark(Description = "SDK AssumeRoleAWSCredentials.GetCredentials()")]
    public ImmutableCredentials Sdk_GetCredentials() => _sdk.GetCredentials();

    [Benchmark(Description = "CredentialKit provider.GetCredentialsAsync()")]
    public ValueTask<SessionCredentials> CredentialKit_GetCredentialsAsync() => _provider.GetCredentialsAsync();

    [Benchmark(Description = "CredentialKit provider.GetCredentialsAsync(), shared store configured")]
    public ValueTask<SessionCredentials> CredentialKit_GetCredentialsAsync_WithSharedStore() => _shared.GetCredentialsAsync();

    [Benchmark(Description = "CredentialKit ToAwsCredentials().GetCredentialsAsync()")]
    public Task<ImmutableCredentials> Adapter_GetCredentialsAsync() => _adapter.GetCredentialsAsync();

    [Benchmark(Description = "CredentialKit ToAwsCredentials().GetCredentials()")]
    public ImmutableCredentials Adapter_GetCredentials() => _adapter.GetCredentials();

    /// <summary>The floor of any expiry check against the wall clock: one read of the system clock.</summary>
    [Benchmark(Description = "floor: TimeProvider.System.GetUtcNow()")]
    public DateTimeOffset Floor_GetUtcNow() => TimeProvider.System.GetUtcNow();
}
