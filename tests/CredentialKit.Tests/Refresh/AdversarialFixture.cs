using CredentialKit.Tests.Helpers;
using Microsoft.Extensions.Time.Testing;

namespace CredentialKit.Tests.Refresh;

/// <summary>
/// A provider on an adversarial clock: <see cref="TrueTime"/> is the time STS (the stub) issues and judges sessions
/// by; <see cref="Local"/>, which the provider runs on, may be skewed against it and fires timers early or late.
/// </summary>
public sealed class AdversarialFixture
{
    public AdversarialFixture()
    {
        Local = new AdversarialTimeProvider(TrueTime);
        Sts = new StsStub(TrueTime) { SendsDateHeader = true };
    }

    public FakeTimeProvider TrueTime { get; } = new(ManualTimeProvider.DefaultStart);

    public AdversarialTimeProvider Local { get; }

    public StsStub Sts { get; }

    public CapturingLoggerFactory Logs { get; } = new();

    public double RandomValue { get; set; }

    /// <summary>Gets or sets the jitter source; <see langword="null"/> means always <see cref="RandomValue"/>.</summary>
    public Func<double>? JitterSource { get; set; }

    public static CredentialKitProfileOptions Profile(params string[] roleArns)
    {
        var options = ProviderFixture.Profile(roleArns);
        options.Refresh.BackgroundRefresh = true;
        return options;
    }

    public SessionCacheOptions CacheOptions(long sizeLimit = 1024) => new()
    {
        TimeProvider = Local,
        LoggerFactory = Logs,
        StsClientFactory = Sts,
        Random = JitterSource ?? (() => RandomValue),
        SizeLimit = sizeLimit,
    };

    public ICredentialProvider Create(CredentialKitProfileOptions? options = null, string? profileName = "test") =>
        CredentialProvider.Create(options ?? Profile(), CacheOptions(), profileName);

    /// <summary>
    /// Moves true time forward by <paramref name="total"/> in steps of <paramref name="step"/>, letting every background
    /// refresh the step started finish before the next one; <paramref name="afterStep"/> runs after each step.
    /// </summary>
    public async Task RunAsync(TimeSpan total, TimeSpan step, IEnumerable<ICredentialProvider> providers, Func<Task>? afterStep = null)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < total; elapsed += step)
        {
            TrueTime.Advance(step < total - elapsed ? step : total - elapsed);
            await SettleAsync(providers);
            if (afterStep is not null)
            {
                await afterStep();
            }
        }
    }

    /// <summary>Waits until no session of <paramref name="providers"/> has a refresh in flight (chains included).</summary>
    public static async Task SettleAsync(IEnumerable<ICredentialProvider> providers)
    {
        // Twice: a refresh that ends can arm a timer that is already due (a re-arm at zero), which starts another.
        for (var round = 0; round < 3; round++)
        {
            foreach (var provider in providers)
            {
                foreach (var session in ProviderFixture.ChainOf(provider))
                {
                    await session.TelemetrySink.WhenIdleAsync();
                }
            }

            await Task.Yield();
        }
    }

    /// <summary>True remaining lifetime (on STS's clock) of what <paramref name="provider"/> holds now.</summary>
    public TimeSpan TrueRemaining(ICredentialProvider provider) =>
        ProviderFixture.SessionOf(provider).CurrentCredentials is { } held ? held.Expiration - TrueTime.GetUtcNow() : TimeSpan.MinValue;
}
