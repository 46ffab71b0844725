namespace CredentialKit.LocalSts.Signing;

/// <summary>A parsed <c>AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…</c> header.</summary>
internal sealed record AuthorizationHeader(
    string AccessKeyId, string Date, string Region, string Service, string Terminator, string SignedHeaders, string Signature)
{
    public string Scope => $"{Date}/{Region}/{Service}/{Terminator}";

    /// <summary>Parses the header, or returns the IncompleteSignature message describing what is missing.</summary>
    public static AuthorizationHeader? TryParse(string header, out string? error)
    {
        error = null;
        if (!header.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal))
        {
            error = $"Authorization header requires the algorithm '{SigV4.Algorithm}'.";
            return null;
        }

        var parts = header[(SigV4.Algorithm.Length + 1)..]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);

        var missing = new[] { "Credential", "Signature", "SignedHeaders" }.Where(k => !parts.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            error = string.Concat(missing.Select(m => $"Authorization header requires '{m}' parameter. "));
            return null;
        }

        var credential = parts["Credential"].Split('/');
        if (credential.Length != 5 || credential.Any(string.IsNullOrEmpty))
        {
            error = "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,";
            return null;
        }

        return new AuthorizationHeader(
            credential[0], credential[1], credential[2], credential[3], credential[4], parts["SignedHeaders"], parts["Signature"]);
    }
}
