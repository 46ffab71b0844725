using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>
/// The one entry point of the server: sets what every response carries, hands the request to the first route that claims it,
/// else to STS.
/// </summary>
/// <remarks>The <c>Date</c> header is the server's clock, <see cref="LocalStsServer.ClockOffset"/> included: SDKs read it to
/// correct their clock after a skew error, so it must tell the same time as the skew check and the issued expirations.</remarks>
internal sealed class RequestRouter(TimeProvider time, IReadOnlyList<ILocalStsRoute> routes, Func<HttpContext, Task> sts)
{
    public Task HandleAsync(HttpContext context)
    {
        context.Response.Headers[HeaderNames.Date] = time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        foreach (var route in routes)
        {
            if (route.Matches(context))
            {
                return route.HandleAsync(context);
            }
        }

        return sts(context);
    }
}
