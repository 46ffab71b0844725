namespace CredentialKit;

/// <summary>
/// Endpoint URLs as they may be printed: without user info. A URL's <c>user:password@</c> is a credential, and
/// CredentialKit refuses it in configuration (<see cref="StsOptionsValidator"/>); every URL that reaches a message, a log
/// line or a tag goes through <see cref="WithoutUserInfo"/> as well, so that not even the refusal repeats it.
/// </summary>
/// <remarks>Works on the text, not on <see cref="Uri"/>: a password with <c>/</c> or <c>#</c> in it makes the URL unparsable.</remarks>
internal static class UrlText
{
    /// <summary>What stands where user info was.</summary>
    public const string UserInfoMask = "***@";

    /// <summary>Whether <paramref name="url"/> has user info (<c>scheme://…@host</c>).</summary>
    public static bool HasUserInfo(string? url) => url is not null && UserInfoEnd(url) > 0;

    /// <summary>Returns <paramref name="url"/> with its user info replaced by <see cref="UserInfoMask"/>.</summary>
    public static string WithoutUserInfo(string url)
    {
        var end = UserInfoEnd(url);
        if (end <= 0)
        {
            return url;
        }

        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        return string.Concat(url.AsSpan(0, start), UserInfoMask, url.AsSpan(end + 1));
    }

    /// <summary>The index of the last <c>@</c> of the authority, or -1 when there is none.</summary>
    private static int UserInfoEnd(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;

        // A password may hold '/', '?' or '#', so the authority cannot be told from the path by parsing: any '@' after
        // the scheme counts as the end of user info. An STS endpoint has no '@' in its path, so nothing real is refused.
        var at = url.LastIndexOf('@');
        return at >= start ? at : -1;
    }
}
