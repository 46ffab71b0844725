using System.Xml.Linq;
using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>One STS action.</summary>
internal interface IStsOperation
{
    string Name { get; }

    /// <summary>Whether the request must be SigV4-signed (false for the federation operations the SDK sends unsigned).</summary>
    bool RequiresSignature { get; }

    OperationResult Execute(QueryParameters parameters, Caller? caller);
}

/// <summary>Members of the <c>{Op}Result</c> element and the session issued, if any.</summary>
internal sealed record OperationResult(IReadOnlyList<XElement?> Members, LocalStsSession? Issued);
