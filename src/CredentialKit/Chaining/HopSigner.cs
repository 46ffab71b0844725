using Amazon.Runtime;

namespace CredentialKit;

/// <summary>
/// What signs a hop's STS calls: the session of its parent hop, or the chain's source credentials for the first hop.
/// <see cref="Key"/> identifies it (the parent hop's key, or the source's fingerprint), so hops with the same signer share
/// STS clients (<see cref="SharedStsClients"/>).
/// </summary>
internal sealed class HopSigner
{
    private readonly HopDefinition? _parentHop;
    private readonly AWSCredentials? _source;

    private HopSigner(string key, HopDefinition? parentHop, AWSCredentials? source)
    {
        Key = key;
        _parentHop = parentHop;
        _source = source;
    }

    public string Key { get; }

    /// <summary>Signs with the session of <paramref name="parent"/>.</summary>
    public static HopSigner Of(HopDefinition parent) => new(parent.Key, parent, null);

    /// <summary>Signs with source credentials identified by <paramref name="key"/>.</summary>
    public static HopSigner Of(string key, AWSCredentials source) => new(key, null, source);

    /// <summary>Gets the hop whose session signs, or <see langword="null"/> for source credentials.</summary>
    public HopDefinition? ParentHop => _parentHop;

    /// <summary>Creates the signing credentials: for a parent hop, its session as the SDK sees it.</summary>
    public (AWSCredentials Credentials, ParentSessionCredentials? Parent) Create(SessionCache cache)
    {
        if (_parentHop is null)
        {
            return (_source!, null);
        }

        var parent = new ParentSessionCredentials(cache, _parentHop);
        return (parent, parent);
    }
}
