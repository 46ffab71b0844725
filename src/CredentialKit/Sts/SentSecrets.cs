using Amazon.Runtime;
using Amazon.SecurityToken;

namespace CredentialKit;

/// <summary>
/// The secrets one STS call sends (the web identity token, the SAML assertion, the MFA code), gathered as its request is
/// built, plus those of the credentials that sign it. When an attempt fails, its exception is rebuilt without any of them
/// (<see cref="KnownSecretRedaction"/>) before it reaches the retry log, a metric tag, a span status or the final
/// <see cref="CredentialRefreshException"/>: an error page or a proxy may echo what it was sent.
/// </summary>
/// <remarks>The values are only held; the work of redaction is done only when an attempt fails.</remarks>
internal sealed class SentSecrets
{
    private readonly object _gate = new();
    private List<string>? _values;
    private KnownSecretRedaction.Redactor? _redactor;
    private List<string>? _redactorFor;

    /// <summary>Records a secret sent on this call; <see langword="null"/> and empty values are ignored.</summary>
    public void Add(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            lock (_gate)
            {
                (_values ??= []).Add(value);
            }
        }
    }

    /// <summary>Gets the secrets recorded so far.</summary>
    public IReadOnlyCollection<string> Values
    {
        get
        {
            lock (_gate)
            {
                return _values is null ? [] : [.. _values];
            }
        }
    }

    /// <summary>
    /// Returns <paramref name="exception"/> unchanged when nothing in it came from the wire, or an STS exception that keeps
    /// its error model (type, status, request id) with every known secret removed from its message, code and request id.
    /// </summary>
    /// <param name="exception">What the attempt threw.</param>
    /// <param name="signer">The credentials that signed the call: their secret key and session token are known secrets too.</param>
    public async ValueTask<Exception> ScrubAsync(Exception exception, AWSCredentials signer)
    {
        if (exception is not AmazonServiceException service)
        {
            return exception;
        }

        var secrets = new List<string>(Values);
        if (signer is not AnonymousAWSCredentials)
        {
            try
            {
                // The snapshot that signed the call: cached, so this does not call STS.
                var signing = await signer.GetCredentialsAsync().ConfigureAwait(false);
                secrets.Add(signing.SecretKey);
                secrets.Add(signing.Token);
            }
#pragma warning disable CA1031 // Redaction must not replace the STS failure with another; the values it could not read were not sent either.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        secrets.RemoveAll(string.IsNullOrEmpty);
        if (secrets.Count == 0)
        {
            return exception;
        }

        var redactor = RedactorFor(secrets);
        var message = redactor.Redact(Cut(service.Message));
        var code = service.ErrorCode is { } c ? redactor.Redact(c) : null;
        var requestId = service.RequestId is { } r ? redactor.Redact(r) : null;
        if (message == service.Message && code == service.ErrorCode && requestId == service.RequestId)
        {
            return exception;
        }

        // A code that held a secret is no code: the HTTP status stands in for it (StsErrorClassifier.SafeCode).
        var safeCode = code == service.ErrorCode ? code : ((int)service.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The inner exception stays (it decides transport-failure classification) unless it quotes the body.
        var inner = service.InnerException is System.Xml.XmlException or AmazonUnmarshallingException ? null : service.InnerException;
        return new AmazonSecurityTokenServiceException(message, inner, service.ErrorType, safeCode, requestId, service.StatusCode);
    }

    // The attempts of one call fail alike: their secrets' pieces are prepared once.
    private KnownSecretRedaction.Redactor RedactorFor(List<string> secrets)
    {
        lock (_gate)
        {
            if (_redactor is { } cached && _redactorFor is { } key && key.SequenceEqual(secrets, ReferenceEqualityComparer.Instance))
            {
                return cached;
            }
        }

        var redactor = KnownSecretRedaction.For(secrets);
        lock (_gate)
        {
            (_redactor, _redactorFor) = (redactor, secrets);
        }

        return redactor;
    }

    // Nothing past this is ever shown (SecretRedaction.Echoed cuts it to 256 characters); a shorter text costs less.
    private static string Cut(string? text) =>
        text is null ? string.Empty : text.Length > SecretRedaction.MaxEchoedLength * 16 ? text[..(SecretRedaction.MaxEchoedLength * 16)] : text;
}
