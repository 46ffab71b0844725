using System.Globalization;
using System.Net;
using CredentialKit.LocalSts.Control;
using CredentialKit.LocalSts.Hosting;
using CredentialKit.LocalSts.Model;
using CredentialKit.LocalSts.Operations;
using CredentialKit.LocalSts.Sessions;
using CredentialKit.LocalSts.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CredentialKit.LocalSts;

/// <summary>
/// An AWS STS emulator on Kestrel (127.0.0.1 unless <see cref="LocalStsOptions.ListenAddress"/> says otherwise), with an HTTP
/// control API under <c>/_localsts/</c> on the same port. Point the real SDK at <see cref="Endpoint"/>:
/// <c>new AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint.ToString(), AuthenticationRegion = "us-east-1" }</c>.
/// </summary>
/// <remarks>
/// Issue times, expirations, <c>ExpiredToken</c> checks, TOTP, rate limiting and delay faults all use the <see cref="TimeProvider"/>
/// given to the constructor (plus <see cref="ClockOffset"/>), so a test can share one manual clock with the client library. Such a
/// test sets <see cref="LocalStsOptions.MaxRequestSkew"/> to <see langword="null"/>: the SDK signs with the machine's clock.
/// Packed size is an estimate: <c>ceil(100 × (policy + policy ARN + tag key/value characters) / PackedPolicyBudget)</c>.
/// </remarks>
public sealed class LocalStsServer : IAsyncDisposable
{
    private readonly ClockOffsetTimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SessionStore _sessions;
    private readonly CancellationTokenSource _stopping = new();
    private readonly StsState _state;
    private WebApplication? _app;
    private Uri? _endpoint;
    private int _disposed;

    /// <summary>Creates a server; call <see cref="StartAsync"/> to listen.</summary>
    /// <param name="options">The model and behaviour switches; read once here (later changes to the model have no effect).</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid (port range, account ids, role MaxSessionDuration).</exception>
    public LocalStsServer(LocalStsOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _time = new ClockOffsetTimeProvider(timeProvider ?? TimeProvider.System);
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _sessions = new SessionStore(_time, options.RetainExpiredSessions);
        _state = new StsState(new IdentityStore(options.Accounts), _sessions, options, _time);
        Faults = new LocalStsFaults(_time, options.RateLimit);
        Journal = new LocalStsJournal(options.JournalCapacity);
    }

    /// <summary>The options the server was created with.</summary>
    public LocalStsOptions Options { get; }

    /// <summary>Fault injection: scripts, outage switch, rate limit.</summary>
    public LocalStsFaults Faults { get; }

    /// <summary>The request journal.</summary>
    public LocalStsJournal Journal { get; }

    /// <summary>How far the server's clock runs ahead of (negative: behind) the <see cref="TimeProvider"/> it was given. Lets a test
    /// play an STS whose clock is skewed against the client's, or age every session without waiting.</summary>
    /// <value>Default zero.</value>
    public TimeSpan ClockOffset
    {
        get => _time.Offset;
        set => _time.Offset = value;
    }

    /// <summary>The server's current time: its clock plus <see cref="ClockOffset"/>.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The base URL, for example <c>http://127.0.0.1:54321/</c>.</summary>
    /// <exception cref="InvalidOperationException">The server has not been started.</exception>
    public Uri Endpoint => _endpoint ?? throw new InvalidOperationException("The LocalSts server has not been started.");

    /// <summary>Creates and starts a server in one call.</summary>
    /// <param name="options">The options (see the constructor).</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The started server.</returns>
    public static async Task<LocalStsServer> StartNewAsync(
        LocalStsOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var server = new LocalStsServer(options, timeProvider, loggerFactory);
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Binds Kestrel to <see cref="LocalStsOptions.ListenAddress"/> on <see cref="LocalStsOptions.Port"/> (0: any free port)
    /// and starts serving.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server listens.</returns>
    /// <exception cref="InvalidOperationException">The server was already started.</exception>
    /// <exception cref="IOException">The address is already in use (Kestrel's bind failure, with the address in its message).</exception>
    /// <exception cref="ObjectDisposedException">The server was disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_app is not null)
        {
            throw new InvalidOperationException("The LocalSts server is already started.");
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Parse(Options.ListenAddress), Options.Port);

            // The STS handler reads bodies itself, bounded by MaxRequestBodySize, and answers an oversized one in STS's error
            // shape; Kestrel's own limit would answer first with an empty 413.
            k.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var app = builder.Build();

        var operations = new IStsOperation[]
        {
            new AssumeRoleOperation(_state),
            new AssumeRoleWithWebIdentityOperation(_state),
            new AssumeRoleWithSamlOperation(_state),
            new GetSessionTokenOperation(_state),
            new GetFederationTokenOperation(_state),
            new GetCallerIdentityOperation(),
        }.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var logger = _loggerFactory.CreateLogger("CredentialKit.LocalSts");
        var handler = new StsRequestHandler(
            _state, new SigV4Verifier(_state.Identities, _sessions, Options, _time), operations, Faults, Journal, logger, _stopping.Token);
        var control = new ControlApiHandler(this);
        app.Run(context =>
        {
            // The Date header on the server's clock (with ClockOffset), as STS's own: Kestrel's would read the
            // machine's, so a client measuring its skew from Date would see none against an offset (or manual) clock.
            context.Response.Headers.Date = _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
            return Options.EnableControlApi && ControlApiHandler.IsControlPath(context.Request.Path)
                ? control.HandleAsync(context)
                : handler.HandleAsync(context);
        });

        _app = app;
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
        Log.Started(logger, _endpoint);
    }

    /// <summary>The session issued with <paramref name="accessKeyId"/>, or <see langword="null"/>.</summary>
    /// <param name="accessKeyId">A temporary access key id returned by the emulator.</param>
    /// <returns>The session, including its tags and transitive tag keys.</returns>
    public LocalStsSession? GetSession(string accessKeyId)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        return _sessions.Find(accessKeyId);
    }

    /// <summary>The sessions the server holds, oldest first. Expired sessions are dropped about once a minute of server time
    /// (requests signed with them still get <c>ExpiredToken</c>) unless <see cref="LocalStsOptions.RetainExpiredSessions"/>.</summary>
    /// <returns>The sessions.</returns>
    public IReadOnlyList<LocalStsSession> GetSessions() => _sessions.All;

    /// <summary>Makes the session issued with <paramref name="accessKeyId"/> expire now: requests signed with it get
    /// <c>ExpiredToken</c> from then on.</summary>
    /// <param name="accessKeyId">A temporary access key id returned by the emulator.</param>
    /// <returns><see langword="false"/> when the server holds no such session.</returns>
    public bool ExpireSession(string accessKeyId)
    {
        ArgumentNullException.ThrowIfNull(accessKeyId);
        return _sessions.Find(accessKeyId) is { } session && _sessions.Replace(session.ExpiredAt(_time.GetUtcNow()));
    }

    /// <summary>Back to a fresh start: clears faults, outages and the rate limit, the journal and every issued session, and sets
    /// <see cref="ClockOffset"/> to zero. The identity model stays.</summary>
    public void Reset()
    {
        Faults.Reset();
        Journal.Clear();
        _sessions.Clear();
        _time.Offset = TimeSpan.Zero;
    }

    /// <summary>Stops listening, cancels pending delayed or hanging requests, and releases Kestrel.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
