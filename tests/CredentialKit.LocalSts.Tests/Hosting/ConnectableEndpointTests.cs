using CredentialKit.LocalSts.Hosting;

namespace CredentialKit.LocalSts.Tests.Hosting;

public sealed class ConnectableEndpointTests
{
    [Theory]
    [InlineData("http://0.0.0.0:4787", "http://127.0.0.1:4787/")]
    [InlineData("http://[::]:4787", "http://[::1]:4787/")]
    [InlineData("http://127.0.0.1:4787", "http://127.0.0.1:4787/")]
    [InlineData("http://10.1.2.3:4787/", "http://10.1.2.3:4787/")]
    [InlineData("http://[::1]:4787", "http://[::1]:4787/")]
    public void From_ListenAddress_NamesAnAddressClientsCanConnectTo(string listening, string expected) =>
        Assert.Equal(new Uri(expected), ConnectableEndpoint.From(listening));
}
