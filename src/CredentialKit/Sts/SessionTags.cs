using System.Collections.Immutable;
using Amazon.SecurityToken.Model;

namespace CredentialKit;

/// <summary>Renders session tags as the <c>Tags</c> member of the STS request types that take them.</summary>
internal static class SessionTags
{
    /// <summary>
    /// The tags, or <see langword="null"/> when there are none (so the SDK sends no list at all). Built on every request,
    /// so without LINQ, and without any allocation when there are no tags.
    /// </summary>
    public static List<Tag>? From(ImmutableArray<KeyValuePair<string, string>> tags)
    {
        if (tags.IsDefaultOrEmpty)
        {
            return null;
        }

        var list = new List<Tag>(tags.Length);
        foreach (var tag in tags)
        {
            list.Add(new Tag { Key = tag.Key, Value = tag.Value });
        }

        return list;
    }
}
