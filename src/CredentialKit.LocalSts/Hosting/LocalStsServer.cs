using System.Net;
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
/// A loopback AWS STS emulator on Kestrel (127.0.0.1 only). Point the real SDK at <see cref="Endpoint"/>:
/// <c>new AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint.ToString(), AuthenticationRegion = "us-east-1" }</c>.
/// </summary>
/// <remarks>
/// Issue times, expirations, <c>ExpiredToken</c> checks, TOTP, rate limiting and delay faults all use the <see cref="TimeProvider"/>
/// given to the constructor, so a test can share one manual clock with the client library.
/// Packed size is an estimate: <c>ceil(100 × (policy + policy ARN + tag key/value characters) / PackedPolicyBudget)</c>.
/// </remarks>
public sealed class LocalStsServer : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SessionStore _sessions = new();
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
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _state = new StsState(new IdentityStore(options.Accounts), _sessions, options, _time);
        Faults = new LocalStsFaults(_time, options.RateLimit);
        Journal = new LocalStsJournal();
    }

    /// <summary>The options the server was created with.</summary>
    public LocalStsOptions Options { get; }

    /// <summary>Fault injection: scripts, outage switch, rate limit.</summary>
    public LocalStsFaults Faults { get; }

    /// <summary>The request journal.</summary>
    public LocalStsJournal Journal { get; }

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

    /// <summary>Binds Kestrel to 127.0.0.1 on <see cref="LocalStsOptions.Port"/> (0: any free port) and starts serving.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes when the server listens.</returns>
    /// <exception cref="InvalidOperationException">The server was already started.</exception>
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
            k.Listen(IPAddress.Loopback, Options.Port);
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
        app.Run(handler.HandleAsync);

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

    /// <summary>All sessions issued so far, oldest first.</summary>
    /// <returns>The sessions.</returns>
    public IReadOnlyList<LocalStsSession> GetSessions() => _sessions.All;

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
