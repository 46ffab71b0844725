using System.Globalization;
using System.Text.Json;

namespace CredentialKit;

/// <summary>What the JSON-speaking sources (credential_process, container endpoint, IMDS) read the same way.</summary>
internal static class SourceJson
{
    /// <summary>The non-empty string member <paramref name="name"/>, or <see langword="null"/>.</summary>
    public static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>An ISO 8601 instant; one without an offset is UTC.</summary>
    public static bool TryParseInstant(string? text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
}
