using System.Globalization;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Signing;

/// <summary>The SigV4 query-string authentication parameters of a presigned URL.</summary>
/// <remarks>STS ignores the value of <c>X-Amz-Expires</c> (aws-iam-authenticator's token code: the parameter "IS IGNORED";
/// Terraform's <c>aws_eks_cluster_auth</c> sends 0): a presigned request is good for
/// <see cref="LocalStsDefaults.PresignedRequestValidity"/> after <c>X-Amz-Date</c>, whatever it says. The parameter must still be
/// there (it is signed) and be a whole number of seconds.</remarks>
internal sealed record PresignedQuery(AuthorizationHeader Auth, string AmzDate, string? SecurityToken, string QueryWithoutSignature)
{
    private const string MissingMessage =
        "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string parameters.";

    /// <summary>The parameters, <see langword="null"/> when the query carries no SigV4 authentication, or throws
    /// <c>IncompleteSignature</c> when it carries an incomplete or malformed one.</summary>
    public static PresignedQuery? TryParse(string rawQuery)
    {
        var pairs = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                return (Raw: p, Name: Uri.UnescapeDataString(eq < 0 ? p : p[..eq]), Value: eq < 0 ? string.Empty : Uri.UnescapeDataString(p[(eq + 1)..]));
            })
            .ToList();
        var values = pairs.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        if (!values.ContainsKey("X-Amz-Algorithm") && !values.ContainsKey("X-Amz-Signature") && !values.ContainsKey("X-Amz-Credential"))
        {
            return null;
        }

        string Required(string name) =>
            values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new StsException(StsErrorCodes.IncompleteSignature, MissingMessage);

        if (Required("X-Amz-Algorithm") != SigV4.Algorithm)
        {
            throw new StsException(StsErrorCodes.IncompleteSignature, $"X-Amz-Algorithm only supports '{SigV4.Algorithm}'.");
        }

        var credential = Required("X-Amz-Credential").Split('/');
        if (credential.Length != 5 || credential.Any(string.IsNullOrEmpty))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature,
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,");
        }

        var expiresText = values.TryGetValue("X-Amz-Expires", out var e) ? e : throw new StsException(StsErrorCodes.IncompleteSignature, MissingMessage);
        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new StsException(StsErrorCodes.IncompleteSignature, "X-Amz-Expires must be a whole number of seconds.");
        }

        var auth = new AuthorizationHeader(credential[0], credential[1], credential[2], credential[3], credential[4],
            Required("X-Amz-SignedHeaders"), Required("X-Amz-Signature"));
        var unsigned = string.Join('&', pairs.Where(p => p.Name != "X-Amz-Signature").Select(p => p.Raw));
        return new PresignedQuery(auth, Required("X-Amz-Date"), values.GetValueOrDefault("X-Amz-Security-Token"), unsigned);
    }
}
