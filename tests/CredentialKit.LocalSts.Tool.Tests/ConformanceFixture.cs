using System.Text.Json;
using CredentialKit.LocalSts.Tool.Tests.Helpers;

namespace CredentialKit.LocalSts.Tool.Tests;

/// <summary>One installed <c>localsts</c> process, on a free loopback port with the example world file, for the whole class.</summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    internal LocalStsProcess Tool { get; private set; } = null!;

    internal AwsCli Aws { get; private set; } = null!;

    internal ControlApi Control { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Tool = await LocalStsProcess.StartAsync("--port", LocalStsProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--config", Repository.ExampleWorld);
        Aws = new AwsCli(Tool.Endpoint);
        Control = new ControlApi(Tool.Endpoint);
    }

    public async Task DisposeAsync() => await Tool.DisposeAsync();

    /// <summary>Temporary keys from an awscli result's <c>Credentials</c>.</summary>
    internal static AwsCli.Keys KeysOf(JsonElement result)
    {
        var c = result.GetProperty("Credentials");
        return new AwsCli.Keys(c.GetProperty("AccessKeyId").GetString()!, c.GetProperty("SecretAccessKey").GetString()!, c.GetProperty("SessionToken").GetString());
    }
}
