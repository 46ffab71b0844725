using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using CredentialKit.Benchmarks.Infrastructure;

namespace CredentialKit.Benchmarks.Contention;

/// <summary>
/// Suite 2: the cached read from several threads at once. Each invocation starts <see cref="Threads"/> dedicated
/// threads that each read <see cref="ReadsPerThread"/> times after a common start signal; the reported time is per read
/// (OperationsPerInvoke), so throughput = 1 / time, and a path that scales with cores halves its time per read from
/// 1 to 2 threads on a 2-core machine.
/// </summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int ReadsPerThread = 200_000;
    private const int MaxThreads = 4;

    private ICredentialProvider _provider = null!;
    private AWSCredentials _adapter = null!;
    private AssumeRoleAWSCredentials _sdk = null!;

    [Params(1, 2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sts = LocalStsEnvironment.GetSharedAsync().GetAwaiter().GetResult();
        _provider = sts.CreateProvider();
        _adapter = _provider.ToAwsCredentials();
        _sdk = LocalStsEnvironment.CreateSdkCredentials();
        _provider.GetCredentialsAsync().AsTask().GetAwaiter().GetResult();
        _sdk.GetCredentialsAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _provider.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = ReadsPerThread * MaxThreads, Description = "SDK GetCredentialsAsync()")]
    public void Sdk_GetCredentialsAsync() => RunParallel(this, static self =>
    {
        for (var i = 0; i < ReadsPerThread; i++)
        {
            _ = self._sdk.GetCredentialsAsync().GetAwaiter().GetResult();
        }
    });

    [Benchmark(OperationsPerInvoke = ReadsPerThread * MaxThreads, Description = "SDK GetCredentials()")]
    public void Sdk_GetCredentials() => RunParallel(this, static self =>
    {
        for (var i = 0; i < ReadsPerThread; i++)
        {
            _ = self._sdk.GetCredentials();
        }
    });

    [Benchmark(OperationsPerInvoke = ReadsPerThread * MaxThreads, Description = "CredentialKit GetCredentialsAsync()")]
    public void CredentialKit_GetCredentialsAsync() => RunParallel(this, static self =>
    {
        for (var i = 0; i < ReadsPerThread; i++)
        {
            var pending = self._provider.GetCredentialsAsync();
            _ = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        }
    });

    [Benchmark(OperationsPerInvoke = ReadsPerThread * MaxThreads, Description = "CredentialKit ToAwsCredentials().GetCredentials()")]
    public void Adapter_GetCredentials() => RunParallel(this, static self =>
    {
        for (var i = 0; i < ReadsPerThread; i++)
        {
            _ = self._adapter.GetCredentials();
        }
    });

    // Every invocation does the same total work (MaxThreads × ReadsPerThread reads) split over Threads threads, so the
    // per-read time is comparable across thread counts and falls as the read scales across cores.
    private void RunParallel(ContentionBenchmarks self, Action<ContentionBenchmarks> reads)
    {
        var rounds = MaxThreads / Threads;
        var threads = new Thread[Threads];
        using var start = new ManualResetEventSlim(false);
        for (var t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                start.Wait();
                for (var r = 0; r < rounds; r++)
                {
                    reads(self);
                }
            });
            threads[t].Start();
        }

        start.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
