using System.Globalization;
using System.Text;

namespace CredentialKit;

/// <summary>
/// Renders a source's request parameters for its cache key, length-prefixed so no choice of values makes two sources
/// render alike. Callers never pass a secret: tokens, assertions and MFA codes are fetched per call and are not part of it.
/// </summary>
internal sealed class SourceKeyText
{
    private readonly StringBuilder _builder;

    public SourceKeyText(string operation) => _builder = new StringBuilder(operation);

    public SourceKeyText Add(string name, string? value)
    {
        _builder.Append('|').Append(name).Append('=');
        if (value is null)
        {
            _builder.Append('-');
        }
        else
        {
            _builder.Append(value.Length).Append(':').Append(value);
        }

        return this;
    }

    public SourceKeyText Add(string name, TimeSpan? value) =>
        Add(name, value?.Ticks.ToString(CultureInfo.InvariantCulture));

    public SourceKeyText AddAll(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Add(name, value);
        }

        return this;
    }

    public override string ToString() => _builder.ToString();
}
