using CredentialKit.LocalSts.Protocol;

namespace CredentialKit.LocalSts.Operations;

/// <summary>Parsing and rules of session tags and transitive tag keys (sts-facts §3).</summary>
internal static class SessionTagRules
{
    public const int MaxTags = 50;

    public static List<KeyValuePair<string, string>> ParseTags(QueryParameters p, ParameterValidator v)
    {
        var entries = p.GetStructList("Tags");
        var tags = new List<KeyValuePair<string, string>>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var path = $"tags.{i + 1}.member";
            var key = v.String(entries[i].GetValueOrDefault("Key"), path + ".key", true, 1, 128, s => ParameterValidator.TagKeyPattern().IsMatch(s), ParameterValidator.TagKeyPatternText);
            var value = v.String(entries[i].GetValueOrDefault("Value"), path + ".value", true, 0, 256, s => ParameterValidator.TagValuePattern().IsMatch(s), ParameterValidator.TagValuePatternText);
            tags.Add(new(key ?? string.Empty, value ?? string.Empty));
        }

        v.ListMax(tags, "tags", MaxTags, t => $"Tag(Key={t.Key}, Value={t.Value})");
        return tags;
    }

    public static List<string> ParseTransitiveKeys(QueryParameters p, ParameterValidator v)
    {
        var keys = p.GetList("TransitiveTagKeys");
        for (var i = 0; i < keys.Count; i++)
        {
            v.String(keys[i], $"transitiveTagKeys.{i + 1}.member", true, 1, 128, s => ParameterValidator.TagKeyPattern().IsMatch(s), ParameterValidator.TagKeyPatternText);
        }

        v.ListMax(keys, "transitiveTagKeys", MaxTags, k => k);
        return [.. keys];
    }

    /// <summary>Reserved <c>aws:</c> keys, duplicate keys (case-insensitive) and transitive keys that are not among the request's tags.</summary>
    public static void CheckRequestRules(IReadOnlyList<KeyValuePair<string, string>> tags, IReadOnlyList<string> transitiveKeys)
    {
        // IAM's tag rules apply to session tags: the aws: prefix is reserved for AWS's own keys.
        if (tags.Any(t => t.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)))
        {
            throw StsException.InvalidParameter(StsErrorCodes.ReservedTagKeyMessage);
        }

        if (tags.Select(t => t.Key).Distinct(StringComparer.OrdinalIgnoreCase).Count() != tags.Count)
        {
            throw StsException.InvalidParameter(StsErrorCodes.DuplicateTagKeysMessage);
        }

        var keys = new HashSet<string>(tags.Select(t => t.Key), StringComparer.OrdinalIgnoreCase);
        if (transitiveKeys.Any(k => !keys.Contains(k)))
        {
            throw StsException.InvalidParameter(StsErrorCodes.TransitiveNotInTagsMessage);
        }
    }

    /// <summary>Merges the calling session's transitive tags with the request's; a request tag re-setting an inherited
    /// transitive key (case-insensitive) fails with <c>InvalidParameterValue</c>.</summary>
    public static (Dictionary<string, string> Tags, List<string> TransitiveKeys) Merge(
        LocalStsSession? parent, IReadOnlyList<KeyValuePair<string, string>> tags, IReadOnlyList<string> transitiveKeys)
    {
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var transitive = new List<string>();
        if (parent is not null)
        {
            foreach (var key in parent.TransitiveTagKeys)
            {
                if (parent.Tags.TryGetValue(key, out var value))
                {
                    merged[key] = value;
                    transitive.Add(key);
                }
            }
        }

        foreach (var (key, value) in tags)
        {
            if (merged.ContainsKey(key))
            {
                throw StsException.InvalidParameter(StsErrorCodes.TransitiveConflictMessage);
            }

            merged[key] = value;
        }

        foreach (var key in transitiveKeys)
        {
            if (!transitive.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                transitive.Add(tags.First(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase)).Key);
            }
        }

        return (merged, transitive);
    }
}
