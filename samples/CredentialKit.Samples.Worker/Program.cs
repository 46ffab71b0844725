using Amazon.Extensions.NETCore.Setup;
using Amazon.SecurityToken;
using CredentialKit.LocalSts;
using CredentialKit.Samples.Worker;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// CredentialKit hosted-service sample: profiles from appsettings.json, an STS client registered with the AWS SDK's
// AddAWSService<T>() and signed by the "reports" profile, a keyed one of the "hub" profile (AddKeyedAWSService<T>("hub")), a
// BackgroundService calling GetCallerIdentity with both, a revoked session the clients heal from (a Warning with
// EventId 120, and no failed call), the health check printed on a timer, and CredentialKit's metrics and spans through
// OpenTelemetry's console exporter — against an embedded LocalSts.
var localStsOptions = LocalStsOptions.CreateDemo();
localStsOptions.SessionLifetimeOverride = TimeSpan.FromSeconds(20); // several refresh cycles in under a minute
await using var localSts = await LocalStsServer.StartNewAsync(localStsOptions);

var builder = Host.CreateApplicationBuilder(args);

// The emulator listens on an ephemeral port: point every profile at it. Against real AWS, set Sts:Region instead.
builder.Configuration.AddInMemoryCollection(
    new[] { "hub", "reports" }.Select(p => new KeyValuePair<string, string?>($"CredentialKit:Profiles:{p}:Sts:ServiceUrl", localSts.Endpoint.ToString())));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.Configure<WorkerSettings>(builder.Configuration.GetSection("Worker"));

// The application's AWSOptions: everything but the credentials (here the endpoint; against real AWS, AWS:Region).
// GetAWSOptions() reads the "AWS" section, as AddAWSService<T>() would without this line.
var awsOptions = builder.Configuration.GetAWSOptions();
awsOptions.DefaultClientConfig.ServiceURL = localSts.Endpoint.ToString();
builder.Services.AddDefaultAWSOptions(awsOptions);

// After AddDefaultAWSOptions: CredentialKit stands in for those options with a copy signed by the "reports" profile.
builder.Services.AddCredentialKit(builder.Configuration.GetSection("CredentialKit"))
    .AddKeyedAWSService<IAmazonSecurityTokenService>("hub")   // [FromKeyedServices("hub")], signed by the "hub" profile
    .UseAsDefaultAWSCredentials("reports");            // the SDK's own AddAWSService<T>() clients sign with "reports"
builder.Services.AddAWSService<IAmazonSecurityTokenService>();
// Not AddKeyedAWSService<T>("hub") on builder.Services: that is the SDK's own method, which would sign with "reports" (the
// default) whatever its key says; CredentialKit warns about it at start-up (EventId 121).

// CredentialKit's meter and activity source are both named "CredentialKit".
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter("CredentialKit").AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000))
    .WithTracing(tracing => tracing.AddSource("CredentialKit").AddConsoleExporter());
builder.Services.AddHealthChecks().AddCredentialKitHealthCheck();
builder.Services.AddHostedService<CallerIdentityWorker>();
builder.Services.AddSingleton(localSts);
builder.Services.AddHostedService<SessionRevoker>();
builder.Services.AddHostedService<HealthReporter>();

using var host = builder.Build();
var runFor = builder.Configuration.GetValue<TimeSpan?>("Worker:RunFor") ?? TimeSpan.Zero;
using var stop = runFor > TimeSpan.Zero ? new CancellationTokenSource(runFor) : new CancellationTokenSource();
await host.RunAsync(stop.Token);
