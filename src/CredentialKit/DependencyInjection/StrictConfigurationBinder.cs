using System.Collections;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Binds a configuration section to an options object, refusing everything it cannot bind exactly: unknown keys, values
/// that do not convert, lists written with keys that are not indices, a list where a map belongs (<c>"Tags": ["team"]</c>).
/// Every problem names the profile, the key path, what is wrong and what is allowed.
/// </summary>
/// <remarks>
/// <para>
/// It binds by itself rather than through <c>ConfigurationBinder</c>, because the binder stops at the first value that does
/// not convert, reports a type's range instead of the setting's, sorts list items by key whatever the key, and turns a
/// list into a map with keys <c>0</c>, <c>1</c>, ….
/// </para>
/// <para>
/// Nothing is thrown here: the problems are recorded against the options instance (<see cref="BindingFailures"/>) and
/// reported by its validator together with the validator's own, as one <see cref="OptionsValidationException"/> listing
/// every problem of the file. Values are quoted only when they failed to convert to a non-string type (a number, a
/// duration, an enum), so no secret is ever repeated.
/// </para>
/// <para>
/// Session tags are a map (<c>"Tags": { "team": "data" }</c>) or, for keys configuration cannot write as a key because
/// it splits keys at <c>':'</c>, a list of <c>{ "Key": "cost:center", "Value": "42" }</c>; the two forms may be mixed.
/// </para>
/// </remarks>
[RequiresUnreferencedCode(StrictConfigurationBinder.TrimmingMessage)]
[RequiresDynamicCode(StrictConfigurationBinder.AotMessage)]
internal static class StrictConfigurationBinder
{
    /// <summary>Why binding from configuration is not trim-safe, and the code-configured alternative.</summary>
    public const string TrimmingMessage = "Binds configuration to CredentialKitOptions and CredentialKitProfileOptions by reflection. For trimmed or Native AOT apps, configure profiles in code with AddProfile(name, Action<CredentialKitProfileOptions>) or CredentialProvider.Create.";

    /// <summary>Why binding from configuration is not Native AOT-safe, and the code-configured alternative.</summary>
    public const string AotMessage = "The configuration binder may create generic collection types at run time. For Native AOT apps, configure profiles in code with AddProfile(name, Action<CredentialKitProfileOptions>) or CredentialProvider.Create.";

    /// <summary>The members of one item of the list form of a string map (session tags).</summary>
    private const string EntryKey = "Key";

    /// <inheritdoc cref="EntryKey"/>
    private const string EntryValue = "Value";

    /// <summary>Binds <paramref name="section"/> onto <paramref name="target"/>, recording every problem for the validator.</summary>
    /// <param name="section">The section to bind.</param>
    /// <param name="target">The options instance.</param>
    /// <param name="optionsName">The named-options name (the profile), or <see langword="null"/> for unnamed options.</param>
    /// <param name="hiddenKeys">Children of <paramref name="section"/> that belong to someone else (<c>Profiles</c>).</param>
    /// <returns>The problems found (also recorded against <paramref name="target"/>).</returns>
    [RequiresUnreferencedCode(TrimmingMessage)]
    [RequiresDynamicCode(TrimmingMessage)]
    public static IReadOnlyList<string> Bind<T>(IConfiguration section, T target, string? optionsName, params string[] hiddenKeys)
        where T : class
    {
        var failures = new ValidationFailures(optionsName);
        BindObject(section, target, typeof(T), string.Empty, failures, hiddenKeys);
        BindingFailures.Add(target, failures.Messages);
        return failures.Messages;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when problems were recorded against <paramref name="options"/>.</summary>
    public static void ThrowIfFailed<T>(T options, string? optionsName)
        where T : class
    {
        var messages = BindingFailures.Of(options);
        if (messages.Count > 0)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, typeof(T), messages);
        }
    }

    [RequiresUnreferencedCode(TrimmingMessage)]
    [RequiresDynamicCode(TrimmingMessage)]
    private static void BindObject(IConfiguration node, object target, Type type, string path, ValidationFailures failures, IReadOnlyCollection<string>? hiddenKeys = null)
    {
        var properties = BindableProperties(type);
        if (ValueOf(node) is { Length: > 0 } && !node.GetChildren().Any())
        {
            failures.Add(Display(path, type), $"is a single value, but it is a section {Where(node)}", $"a section with {Describe(properties)}");
            return;
        }

        foreach (var child in node.GetChildren())
        {
            if (hiddenKeys is not null && hiddenKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var childPath = Join(path, child.Key);
            var property = properties.FirstOrDefault(p => string.Equals(KeyOf(p), child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                failures.Add(childPath, $"is not a known setting {Where(child)}", Describe(properties));
            }
            else if (!FromConfiguration(property.PropertyType))
            {
                failures.Add(childPath, $"can only be set in code {Where(child)}",
                    "set it in AddProfile(name, options => ...), and remove the key from configuration");
            }
            else
            {
                BindProperty(child, target, property, childPath, failures, properties);
            }
        }
    }

    [RequiresUnreferencedCode(TrimmingMessage)]
    [RequiresDynamicCode(TrimmingMessage)]
    private static void BindProperty(IConfigurationSection node, object target, PropertyInfo property, string path, ValidationFailures failures, IReadOnlyList<PropertyInfo> siblings)
    {
        var type = property.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            if (!property.CanWrite)
            {
                failures.Add(path, $"is read-only {Where(node)}", Describe(siblings));
            }
            else if (TryConvert(node, type, underlying, path, failures, out var value))
            {
                property.SetValue(target, value);
            }

            return;
        }

        var current = property.GetValue(target);
        if (current is null)
        {
            if (!property.CanWrite)
            {
                failures.Add(path, $"cannot be bound {Where(node)}", "a setting that exists in code");
                return;
            }

            current = Activator.CreateInstance(ConcreteTypeOf(underlying))!;
            property.SetValue(target, current);
        }

        if (DictionaryValueTypeOf(underlying) is { } valueType)
        {
            BindMap(node, (IDictionary)current, valueType, path, failures);
        }
        else if (ElementTypeOf(underlying) is { } element)
        {
            BindList(node, (IList)current, element, path, failures);
        }
        else
        {
            BindObject(node, current, underlying, path, failures);
        }
    }

    /// <summary>A list: children keyed 0, 1, 2, … (a JSON array), added in index order.</summary>
    [RequiresUnreferencedCode(TrimmingMessage)]
    [RequiresDynamicCode(TrimmingMessage)]
    private static void BindList(IConfigurationSection node, IList list, Type element, string path, ValidationFailures failures)
    {
        var children = node.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (ValueOf(node) is { Length: > 0 })
            {
                failures.Add(path, $"is a single value, but it is a list {Where(node)}", $"a JSON array, or one key per item: {path}:0, {path}:1, …");
            }

            return;
        }

        var items = new List<(int Index, IConfigurationSection Node)>();
        foreach (var child in children)
        {
            if (int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                items.Add((index, child));
            }
            else
            {
                failures.Add(Join(path, child.Key), $"is not a list index {Where(child)}", $"a JSON array, or keys 0, 1, 2, … ({path}:0, {path}:1, …), which set the order");
            }
        }

        ListIndices.Check(path, items.Select(i => i.Node.Key), Where(node), failures);
        var underlying = Nullable.GetUnderlyingType(element) ?? element;
        foreach (var (_, child) in items.OrderBy(i => i.Index))
        {
            var childPath = Join(path, child.Key);
            if (IsScalar(underlying))
            {
                if (RejectChildren(child, childPath, failures) && TryConvert(child, element, underlying, childPath, failures, out var value))
                {
                    list.Add(value);
                }
            }
            else
            {
                var item = Activator.CreateInstance(ConcreteTypeOf(underlying))!;
                BindObject(child, item, underlying, childPath, failures);
                list.Add(item);
            }
        }
    }

    /// <summary>
    /// A map of strings (session tags): <c>"Tags": { "team": "data" }</c>, or for keys with <c>':'</c> the list form
    /// <c>"Tags": [ { "Key": "cost:center", "Value": "42" } ]</c>. A bare list (<c>"Tags": ["team"]</c>) is refused: the
    /// default binder would make it the tag <c>0=team</c>, which changes what the session may do.
    /// </summary>
    private static void BindMap(IConfigurationSection node, IDictionary map, Type valueType, string path, ValidationFailures failures)
    {
        var children = node.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (ValueOf(node) is { Length: > 0 })
            {
                failures.Add(path, $"is a single value, but it is a map {Where(node)}", MapAllowed(path));
            }

            return;
        }

        if (valueType != typeof(string))
        {
            failures.Add(path, $"cannot be bound {Where(node)}", "a setting that exists in code");
            return;
        }

        var indices = children.Where(c => c.Key.Length > 0 && c.Key.All(char.IsAsciiDigit)).Select(c => c.Key).ToList();
        if (indices.Count > 0)
        {
            ListIndices.Check(path, indices, Where(node), failures);
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in children)
        {
            var childPath = Join(path, child.Key);
            var isIndex = child.Key.Length > 0 && child.Key.All(char.IsAsciiDigit);
            string? key;
            string? value;
            if (isIndex)
            {
                if (!TryReadEntry(child, childPath, path, failures, out key, out value))
                {
                    continue;
                }
            }
            else if (child.GetChildren().Any())
            {
                failures.Add(childPath, $"has keys below it {Where(child)}, because configuration splits keys at ':' (a tag key such as '{child.Key}:…')",
                    $"a single value; write a key that contains ':' in the list form {path}: [ {{ \"Key\": \"{child.Key}:…\", \"Value\": \"…\" }} ]");
                continue;
            }
            else
            {
                (key, value) = (child.Key, child.Value ?? string.Empty);
            }

            if (!seen.Add(key))
            {
                failures.Add(childPath, $"repeats the key '{key}' {Where(child)}", "each key once; keys are compared ignoring case, as STS does");
                continue;
            }

            map[key] = value;
        }
    }

    private static bool TryReadEntry(IConfigurationSection child, string childPath, string mapPath, ValidationFailures failures, [NotNullWhen(true)] out string? key, [NotNullWhen(true)] out string? value)
    {
        key = null;
        value = null;
        var members = child.GetChildren().ToList();
        if (members.Count == 0)
        {
            // "Tags": ["team"] — a list of strings where a map belongs.
            failures.Add(childPath, $"is a list item without {EntryKey} and {EntryValue} {Where(child)}, so it would become the key '{child.Key}'",
                MapAllowed(mapPath));
            return false;
        }

        var ok = true;
        foreach (var member in members)
        {
            if (!string.Equals(member.Key, EntryKey, StringComparison.OrdinalIgnoreCase) && !string.Equals(member.Key, EntryValue, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add(Join(childPath, member.Key), $"is not a known setting {Where(member)}", $"one of {EntryKey}, {EntryValue}");
                ok = false;
            }
            else if (member.GetChildren().Any())
            {
                failures.Add(Join(childPath, member.Key), $"has keys below it {Where(member)}", "a single value");
                ok = false;
            }
        }

        key = child[EntryKey];
        value = child[EntryValue];
        if (string.IsNullOrEmpty(key))
        {
            failures.Add(Join(childPath, EntryKey), $"is missing {Where(child)}", "the key, for example \"Key\": \"cost:center\"");
            ok = false;
        }

        if (value is null)
        {
            failures.Add(Join(childPath, EntryValue), $"is missing {Where(child)}", "the value, for example \"Value\": \"42\" (\"\" for an empty value)");
            ok = false;
        }

        return ok && key is not null && value is not null;
    }

    private static string MapAllowed(string path) =>
        $"a map {path}: {{ \"team\": \"data\" }}, or a list of {{ \"{EntryKey}\": …, \"{EntryValue}\": … }} items " +
        $"({path}: [ {{ \"{EntryKey}\": \"cost:center\", \"{EntryValue}\": \"42\" }} ]) for keys that contain ':'";

    private static bool RejectChildren(IConfigurationSection node, string path, ValidationFailures failures)
    {
        var ok = true;
        foreach (var child in node.GetChildren())
        {
            failures.Add(Join(path, child.Key), $"is not a known setting {Where(child)}", $"{path} takes a single value");
            ok = false;
        }

        return ok;
    }

    private static bool TryConvert(IConfigurationSection node, Type type, Type underlying, string path, ValidationFailures failures, out object? value)
    {
        value = null;
        if (!RejectChildren(node, path, failures))
        {
            return false;
        }

        var text = node.Value;
        if (text is null)
        {
            return false;
        }

        if (underlying == typeof(string))
        {
            value = text;
            return true;
        }

        if (text.Length == 0 && type != underlying)
        {
            // An empty value for a nullable setting means "unset", as the default binder reads it.
            return true;
        }

        try
        {
            value = TypeDescriptor.GetConverter(underlying).ConvertFromInvariantString(text);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            // Only non-string values reach here, so quoting the value cannot reveal a key or a secret.
            failures.Add(path, $"has the value '{ValueText.Shorten(text)}', which is not {Article(underlying)} {Where(node)}",
                ConfigurationRanges.For(path) ?? AllowedFor(underlying));
            return false;
        }
    }

    private static string Where(IConfiguration node) =>
        node is IConfigurationSection { Path: { Length: > 0 } full } ? $"(configuration key '{full}')" : string.Empty;

    private static string? ValueOf(IConfiguration node) => (node as IConfigurationSection)?.Value;

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}:{key}";

    private static string Display(string path, Type type) => path.Length == 0 ? type.Name : path;

    private static string Describe(IReadOnlyList<PropertyInfo> properties)
    {
        var names = properties.Where(p => FromConfiguration(p.PropertyType)).Select(KeyOf).ToList();
        return names.Count == 0 ? "no settings" : "one of " + string.Join(", ", names);
    }

    private static string KeyOf(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static IReadOnlyList<PropertyInfo> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .ToList();

    /// <summary>Whether a value of <paramref name="type"/> can come from configuration at all.</summary>
    private static bool FromConfiguration(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            return true;
        }

        if (DictionaryValueTypeOf(underlying) is { } value)
        {
            return value == typeof(string);
        }

        if (ElementTypeOf(underlying) is { } element)
        {
            return FromConfiguration(element);
        }

        return !typeof(Delegate).IsAssignableFrom(underlying) && !underlying.IsAbstract && !underlying.IsInterface
            && underlying.GetConstructor(Type.EmptyTypes) is not null;
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>The class to create for a list, map or object property that is settable and unset.</summary>
    private static Type ConcreteTypeOf(Type type)
    {
        if (!type.IsInterface)
        {
            return type;
        }

        if (DictionaryValueTypeOf(type) is { } value)
        {
            return typeof(Dictionary<,>).MakeGenericType(typeof(string), value);
        }

        return typeof(List<>).MakeGenericType(ElementTypeOf(type) ?? typeof(object));
    }

    /// <summary>The value type of a string-keyed dictionary; <see langword="null"/> otherwise.</summary>
    private static Type? DictionaryValueTypeOf(Type type)
    {
        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        var dictionary = interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    /// <summary>The element type of a list (not a dictionary, not a string); <see langword="null"/> otherwise.</summary>
    private static Type? ElementTypeOf(Type type)
    {
        if (type == typeof(string) || DictionaryValueTypeOf(type) is not null)
        {
            return null;
        }

        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        return interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IList<>))?.GetGenericArguments()[0];
    }

    private static string Article(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => $"a {type.Name}",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type.IsPrimitive => "a whole number in range",
        _ => $"a {type.Name}",
    };

    private static string AllowedFor(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration written hh:mm:ss or d.hh:mm:ss, for example 00:15:00",
        _ when type == typeof(bool) => "true or false",
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number written with a '.' decimal point, for example 0.5",
        _ when type.IsPrimitive => $"a whole number from {Convert.ToString(type.GetField("MinValue")?.GetValue(null), CultureInfo.InvariantCulture)} to {Convert.ToString(type.GetField("MaxValue")?.GetValue(null), CultureInfo.InvariantCulture)}",
        _ => $"a value that converts to {type.Name}",
    };
}
