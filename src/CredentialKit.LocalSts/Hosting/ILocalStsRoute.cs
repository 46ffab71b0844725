using Microsoft.AspNetCore.Http;

namespace CredentialKit.LocalSts.Hosting;

/// <summary>An endpoint served on the same port beside STS (the control API today; credential endpoints such as a container or
/// instance-metadata endpoint could join it). STS answers every request no route claims.</summary>
internal interface ILocalStsRoute
{
    /// <summary>Whether this route serves the request (decided from its path, before anything is read).</summary>
    bool Matches(HttpContext context);

    Task HandleAsync(HttpContext context);
}
