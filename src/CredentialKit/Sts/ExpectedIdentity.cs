using System.Globalization;

namespace CredentialKit;

/// <summary>
/// Who a session response must be for, derived from the request: the assumed-role ARN STS builds from the requested role
/// (<c>arn:&lt;partition&gt;:sts::&lt;account&gt;:assumed-role/&lt;role name&gt;/&lt;session name&gt;</c>) or the
/// federated user (<c>arn:&lt;partition&gt;:sts::&lt;account&gt;:federated-user/&lt;name&gt;</c>).
/// </summary>
/// <remarks>
/// A 200 naming another account, another role or another session was not written by STS for this request: a proxy, a
/// cache keyed wrongly, or an attacker answered. Such a session is refused as malformed and never handed out
/// (shared/sts-facts.md §1.7 gives the ARN shapes). Role names compare without case, as IAM treats them; everything else
/// compares exactly.
/// </remarks>
internal sealed class ExpectedIdentity
{
    private readonly string _kind;
    private readonly string? _partition;
    private readonly string? _account;
    private readonly string _name;
    private readonly string? _sessionName;

    private ExpectedIdentity(string kind, string? partition, string? account, string name, string? sessionName)
    {
        _kind = kind;
        _partition = partition;
        _account = account;
        _name = name;
        _sessionName = sessionName;
    }

    /// <summary>A session of the role <paramref name="roleArn"/>; <paramref name="sessionName"/> when the request set it (not SAML).</summary>
    public static ExpectedIdentity AssumedRole(string roleArn, string? sessionName)
    {
        // arn:partition:iam::account:role/path/name — validated at start-up, so the parts are there.
        var parts = roleArn.Split(':', 6);
        var name = parts.Length == 6 ? parts[5][(parts[5].LastIndexOf('/') + 1)..] : roleArn;
        return new("assumed-role", parts.Length == 6 ? parts[1] : null, parts.Length == 6 ? parts[4] : null, name, sessionName);
    }

    /// <summary>The federated user <paramref name="name"/> (GetFederationToken); its account is the signer's, not known here.</summary>
    public static ExpectedIdentity FederatedUser(string name) => new("federated-user", partition: null, account: null, name, sessionName: null);

    /// <summary>What is wrong with <paramref name="arn"/> as this identity's ARN, or <see langword="null"/> when it matches.</summary>
    public string? Problem(string? arn)
    {
        if (string.IsNullOrEmpty(arn))
        {
            return $"it names no {_kind} ARN";
        }

        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sts" || parts[3].Length != 0)
        {
            return $"its ARN {Quote(arn)} is not an STS {_kind} ARN";
        }

        if (_partition is not null && !string.Equals(parts[1], _partition, StringComparison.Ordinal))
        {
            return $"its partition {Quote(parts[1])} is not the requested {_partition}";
        }

        if (_account is not null && !string.Equals(parts[4], _account, StringComparison.Ordinal))
        {
            return $"its account {Quote(parts[4])} is not the requested {_account}";
        }

        var resource = parts[5].Split('/');
        if (resource[0] != _kind || resource.Length != (_kind == "assumed-role" ? 3 : 2))
        {
            return $"its ARN {Quote(arn)} is not an STS {_kind} ARN";
        }

        if (_kind == "assumed-role")
        {
            if (!string.Equals(resource[1], _name, StringComparison.OrdinalIgnoreCase))
            {
                return $"its role {Quote(resource[1])} is not the requested {_name}";
            }

            if (_sessionName is not null && !string.Equals(resource[2], _sessionName, StringComparison.Ordinal))
            {
                return $"its session name {Quote(resource[2])} is not the requested {_sessionName}";
            }
        }
        else if (!string.Equals(resource[1], _name, StringComparison.Ordinal))
        {
            return $"its federated user {Quote(resource[1])} is not the requested {_name}";
        }

        return null;
    }

    /// <summary>Throws <see cref="MalformedStsResponseException"/> when <paramref name="arn"/> is not this identity's.</summary>
    public void Check(string operation, string? arn)
    {
        if (Problem(arn) is { } problem)
        {
            throw new MalformedStsResponseException(
                string.Create(CultureInfo.InvariantCulture, $"STS answered {operation} with a session for someone else ({problem}); it was refused."));
        }
    }

    // Wire text: made safe and short before it reaches a message.
    private static string Quote(string text) => $"'{SecretRedaction.Echoed(text.Length > 128 ? text[..128] : text)}'";
}
