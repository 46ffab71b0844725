using CredentialKit.LocalSts;
using CredentialKit.Samples.Worker;

// CredentialKit hosted-service sample: profiles from appsettings.json, a BackgroundService calling STS
// GetCallerIdentity with keyed AWSCredentials, and the health check printed on a timer — against an embedded LocalSts.
var localStsOptions = LocalStsOptions.CreateDemo();
localStsOptions.SessionLifetimeOverride = TimeSpan.FromSeconds(20); // several refresh cycles in under a minute
await using var localSts = await LocalStsServer.StartNewAsync(localStsOptions);

var builder = Host.CreateApplicationBuilder(args);

// The emulator listens on an ephemeral port: point every profile at it. Against real AWS, set Sts:Region instead.
builder.Configuration.AddInMemoryCollection(
    new[] { "hub", "reports" }.Select(p => new KeyValuePair<string, string?>($"CredentialKit:Profiles:{p}:Sts:ServiceUrl", localSts.Endpoint.ToString())));

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(new StsEndpoint(localSts.Endpoint));
builder.Services.Configure<WorkerSettings>(builder.Configuration.GetSection("Worker"));
builder.Services.AddCredentialKit(builder.Configuration.GetSection("CredentialKit"));
builder.Services.AddHealthChecks().AddCredentialKitHealthCheck();
builder.Services.AddHostedService<CallerIdentityWorker>();
builder.Services.AddHostedService<HealthReporter>();

using var host = builder.Build();
var runFor = builder.Configuration.GetValue<TimeSpan?>("Worker:RunFor") ?? TimeSpan.Zero;
using var stop = runFor > TimeSpan.Zero ? new CancellationTokenSource(runFor) : new CancellationTokenSource();
await host.RunAsync(stop.Token);
