using System.Globalization;
using System.Net;
using System.Text;

namespace CredentialKit.Benchmarks.Tenants;

/// <summary>
/// The HTTP layer under a real <c>AmazonSecurityTokenServiceClient</c> that answers every request in memory with a valid
/// STS <c>AssumeRoleResponse</c> (see <c>/work/shared/sts-facts.md</c> §5.3): a unique <c>ASIA…</c> access key id, a
/// 40-character secret, a 1,000-character session token (the size of a real one), Expiration one hour ahead, and the
/// <c>Date</c> and <c>x-amzn-RequestId</c> headers, and the requested role and session name as the assumed-role user (the
/// provider refuses a session for anyone else). No socket: 100,000 calls must take seconds, and the SDK's own work
/// (signing, request marshalling, XML unmarshalling) still runs on every call.
/// </summary>
internal sealed class InMemoryStsHandler(TimeProvider time) : HttpMessageHandler
{
    /// <summary>The length of every session token issued; real ones are 700 to more than 1,000 characters.</summary>
    public const int SessionTokenLength = 1000;

    private const string Secret = "inMemoryStsSecretKey/NotARealSecret00000";

    // The token's fixed body; each call appends its 16-digit serial number, so every token is unique.
    private static readonly string TokenBody = "FwoGZXIvYXdzEINMEMORY" + new string('A', SessionTokenLength - 21 - 16);

    private static long s_issued;

    /// <summary>Gets the number of AssumeRole responses issued by every handler of the process.</summary>
    public static long Issued => Interlocked.Read(ref s_issued);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (account, role, session) = ReadIdentity(await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var n = Interlocked.Increment(ref s_issued);
        var now = time.GetUtcNow();
        var serial = n.ToString("D16", CultureInfo.InvariantCulture);
        var xml = new StringBuilder(1600)
            .Append("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>")
            .Append("<AccessKeyId>ASIA").Append(serial).Append("</AccessKeyId>")
            .Append("<SecretAccessKey>").Append(Secret).Append("</SecretAccessKey>")
            .Append("<SessionToken>").Append(TokenBody).Append(serial).Append("</SessionToken>")
            .Append("<Expiration>").Append((now + TimeSpan.FromHours(1)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append("</Expiration>")
            .Append("</Credentials><AssumedRoleUser>")
            .Append("<Arn>arn:aws:sts::").Append(account).Append(":assumed-role/").Append(role).Append('/').Append(session).Append("</Arn>")
            .Append("<AssumedRoleId>AROAINMEMORYTENANT01:").Append(session).Append("</AssumedRoleId>")
            .Append("</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>7f1c2b9e-0000-4000-8000-")
            .Append(serial, 4, 12).Append("</RequestId></ResponseMetadata></AssumeRoleResponse>")
            .ToString();
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new StringContent(xml, Encoding.UTF8, "text/xml"),
        };
        response.Headers.Date = now;
        response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "7f1c2b9e-0000-4000-8000-" + serial[4..]);
        return response;
    }

    // RoleArn is arn:aws:iam::{account}:role/{path/}{name}; the answer names the account, the role's name and the session.
    private static (string Account, string Role, string Session) ReadIdentity(string form)
    {
        string arn = "", session = "";
        foreach (var pair in form.Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq < 0)
            {
                continue;
            }

            var name = pair[..eq];
            if (name == "RoleArn")
            {
                arn = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            else if (name == "RoleSessionName")
            {
                session = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        var parts = arn.Split(':');
        var account = parts.Length > 4 ? parts[4] : "111122223333";
        var resource = parts.Length > 5 ? parts[5] : "role/tenant";
        return (account, resource[(resource.LastIndexOf('/') + 1)..], session);
    }
}
