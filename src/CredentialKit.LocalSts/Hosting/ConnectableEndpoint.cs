using System.Net;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>Turns the address Kestrel listens on into one a client can connect to.</summary>
internal static class ConnectableEndpoint
{
    /// <summary>The base URL for <paramref name="listenAddress"/> (<c>http://host:port</c>), with a trailing slash; the wildcard
    /// addresses <c>0.0.0.0</c> and <c>[::]</c>, which no client can connect to, become <c>127.0.0.1</c> and <c>[::1]</c>.</summary>
    public static Uri From(string listenAddress)
    {
        var builder = new UriBuilder(listenAddress.EndsWith('/') ? listenAddress : listenAddress + "/");
        if (IPAddress.TryParse(builder.Host, out var ip))
        {
            if (ip.Equals(IPAddress.Any))
            {
                builder.Host = IPAddress.Loopback.ToString();
            }
            else if (ip.Equals(IPAddress.IPv6Any))
            {
                builder.Host = "[::1]";
            }
        }

        return builder.Uri;
    }
}
