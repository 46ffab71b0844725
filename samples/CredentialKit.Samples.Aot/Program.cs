using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using CredentialKit;
using CredentialKit.Samples.Aot;
using Microsoft.Extensions.DependencyInjection;

// CredentialKit in a Native AOT binary: a two-hop role chain (hub → reports, with an external id) configured in code,
// an AWS SDK client registered with AddKeyedAWSService<T>(profile), and the caller identity it signs as.
// Run against LocalSts: `dotnet run --project src/CredentialKit.LocalSts.Tool` (port 4787), then
// `CredentialKit.Samples.Aot --sts-endpoint http://127.0.0.1:4787/`.
if (!AotSampleSettings.TryParse(args, out var settings, out var problem))
{
    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(AotSampleSettings.Usage);
    return 2;
}

var services = new ServiceCollection();
services.AddCredentialKit()
    .AddProfile("reports", settings.ConfigureProfile) // code-configured: the trim- and AOT-clean path
    .AddKeyedAWSService<IAmazonSecurityTokenService>("reports");
services.AddDefaultAWSOptions(settings.SdkOptions());
await using var container = services.BuildServiceProvider();

var provider = container.GetRequiredKeyedService<ICredentialProvider>("reports");
var sts = container.GetRequiredKeyedService<IAmazonSecurityTokenService>("reports");
try
{
    var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
    var credentials = await provider.GetCredentialsAsync();
    Console.WriteLine($"Role chain: {string.Join(" -> ", settings.RoleArns)}");
    Console.WriteLine($"Session: {credentials}");
    Console.WriteLine($"Caller identity: {identity.Arn} (account {identity.Account})");
    return 0;
}
catch (CredentialRefreshException e)
{
    Console.Error.WriteLine($"No credentials: {e.Message}");
    return 1;
}
