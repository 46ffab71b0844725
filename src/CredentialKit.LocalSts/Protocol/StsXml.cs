using System.Globalization;
using System.Xml.Linq;

namespace CredentialKit.LocalSts.Protocol;

/// <summary>Builds STS Query-protocol XML bodies (sts-facts §5.3–§5.4).</summary>
internal static class StsXml
{
    private static readonly XNamespace Ns = LocalStsDefaults.XmlNamespace;

    public static string Success(string operation, string requestId, IEnumerable<XElement?> resultMembers) =>
        new XElement(Ns + operation + "Response",
            new XElement(Ns + operation + "Result", resultMembers.Where(e => e is not null)),
            new XElement(Ns + "ResponseMetadata", new XElement(Ns + "RequestId", requestId)))
        .ToString(SaveOptions.DisableFormatting);

    public static string Error(string type, string code, string message, string requestId) =>
        new XElement(Ns + "ErrorResponse",
            new XElement(Ns + "Error",
                new XElement(Ns + "Type", type),
                new XElement(Ns + "Code", code),
                new XElement(Ns + "Message", message)),
            new XElement(Ns + "RequestId", requestId))
        .ToString(SaveOptions.DisableFormatting);

    public static XElement Element(string name, object? content) => new(Ns + name, content);

    public static XElement Credentials(LocalStsSession s) =>
        Element("Credentials", new object[]
        {
            Element("AccessKeyId", s.AccessKeyId),
            Element("SecretAccessKey", s.SecretAccessKey),
            Element("SessionToken", s.SessionToken),
            Element("Expiration", FormatTime(s.Expiration)),
        });

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
