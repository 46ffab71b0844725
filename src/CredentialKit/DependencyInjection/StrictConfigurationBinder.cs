using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CredentialKit;

/// <summary>
/// Binds a configuration section to an options object with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/> set,
/// after checking every key first so that a failure names the profile, the key path, the problem and what is allowed
/// (the binder's own message names neither the profile nor the path of an unknown key).
/// </summary>
/// <remarks>
/// Failures are reported as <see cref="OptionsValidationException"/> in the validator's format
/// (<c>Profile 'reports': Roles:0:RoleArnn is not a known setting (…); allowed: RoleArn, ….</c>), all at once. Values are
/// quoted only when they failed to convert to a non-string type (a number, a duration, an enum), so no secret is ever
/// repeated.
/// </remarks>
[RequiresUnreferencedCode(StrictConfigurationBinder.TrimmingMessage)]
[RequiresDynamicCode(StrictConfigurationBinder.AotMessage)]
internal static class StrictConfigurationBinder
{
    /// <summary>Why binding from configuration is not trim-safe, and the code-configured alternative.</summary>
    public const string TrimmingMessage = "Binds configuration to CredentialKitOptions and CredentialProfileOptions by reflection. For trimmed or Native AOT apps, configure profiles in code with AddProfile(name, Action<CredentialProfileOptions>) or CredentialProvider.Create.";

    /// <summary>Why binding from configuration is not Native AOT-safe, and the code-configured alternative.</summary>
    public const string AotMessage = "The configuration binder may create generic collection types at run time. For Native AOT apps, configure profiles in code with AddProfile(name, Action<CredentialProfileOptions>) or CredentialProvider.Create.";

    private static readonly Action<BinderOptions> Strict = static o => o.ErrorOnUnknownConfiguration = true;

    /// <summary>Checks and binds <paramref name="section"/> onto <paramref name="target"/>.</summary>
    /// <param name="section">The section to bind.</param>
    /// <param name="target">The options instance.</param>
    /// <param name="optionsName">The named-options name (the profile), or <see langword="null"/> for unnamed options.</param>
    /// <param name="hiddenKeys">Children of <paramref name="section"/> that belong to someone else (<c>Profiles</c>).</param>
    /// <exception cref="OptionsValidationException">A key is unknown or a value does not convert.</exception>
    public static void Bind<T>(IConfiguration section, T target, string? optionsName, params string[] hiddenKeys)
        where T : class
    {
        var failures = new ValidationFailures(optionsName);
        var view = hiddenKeys.Length == 0 ? section : new HidingConfiguration(section, hiddenKeys);
        CheckObject(view, typeof(T), string.Empty, failures);
        ThrowIfAny(failures, optionsName, typeof(T));

        try
        {
            view.Bind(target, Strict);
        }
        catch (InvalidOperationException e)
        {
            // A case the check above does not foresee; the binder's text still says what and where.
            failures.Add(PathOf(section) is { Length: > 0 } path ? path : "(section)", $"could not be bound: {e.Message}", "the shape described in the README");
            ThrowIfAny(failures, optionsName, typeof(T));
        }
    }

    private static void ThrowIfAny(ValidationFailures failures, string? optionsName, Type type)
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(optionsName ?? Options.DefaultName, type, failures.Messages);
        }
    }

    private static void Check(IConfiguration node, Type type, string path, ValidationFailures failures)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            CheckScalar(node, type, underlying, path, failures);
        }
        else if (ElementTypeOf(underlying) is { } element)
        {
            CheckCollection(node, element, path, failures);
        }
        else
        {
            CheckObject(node, underlying, path, failures);
        }
    }

    private static void CheckObject(IConfiguration node, Type type, string path, ValidationFailures failures)
    {
        var properties = BindableProperties(type);
        if (ValueOf(node) is { Length: > 0 } && !node.GetChildren().Any())
        {
            failures.Add(Display(path, type), $"is a single value, but it is a section {Where(node)}", $"a section with {Describe(properties)}");
            return;
        }

        foreach (var child in node.GetChildren())
        {
            var childPath = Join(path, child.Key);
            var property = properties.FirstOrDefault(p => string.Equals(KeyOf(p), child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                failures.Add(childPath, $"is not a known setting {Where(child)}", Describe(properties));
            }
            else if (!FromConfiguration(property.PropertyType))
            {
                failures.Add(childPath, $"can only be set in code {Where(child)}",
                    $"set it in AddProfile(name, options => ...), and remove the key from configuration");
            }
            else if (!property.CanWrite && IsScalar(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType))
            {
                failures.Add(childPath, $"is read-only {Where(child)}", Describe(properties));
            }
            else
            {
                Check(child, property.PropertyType, childPath, failures);
            }
        }
    }

    private static void CheckCollection(IConfiguration node, Type element, string path, ValidationFailures failures)
    {
        var children = node.GetChildren().ToList();
        if (children.Count == 0 && ValueOf(node) is { Length: > 0 })
        {
            failures.Add(path, $"is a single value, but it is a list {Where(node)}", $"one key per item: {path}:0, {path}:1, …");
            return;
        }

        foreach (var child in children)
        {
            Check(child, element, Join(path, child.Key), failures);
        }
    }

    private static void CheckScalar(IConfiguration node, Type type, Type underlying, string path, ValidationFailures failures)
    {
        foreach (var child in node.GetChildren())
        {
            failures.Add(Join(path, child.Key), $"is not a known setting {Where(child)}", $"{path} takes a single value");
        }

        var value = ValueOf(node);
        if (value is null || underlying == typeof(string) || (value.Length == 0 && type != underlying))
        {
            return;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(underlying).ConvertFromInvariantString(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            // Only non-string values reach here, so quoting the value cannot reveal a key or a secret.
            failures.Add(path, $"has the value '{ValueText.Shorten(value)}', which is not {Article(underlying)} {Where(node)}", AllowedFor(underlying));
        }
    }

    private static string Where(IConfiguration node) =>
        node is IConfigurationSection { Path: { Length: > 0 } full } ? $"(configuration key '{full}')" : string.Empty;

    private static string? PathOf(IConfiguration node) => (node as IConfigurationSection)?.Path;

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

    /// <summary>Whether the binder can produce a value of <paramref name="type"/> from configuration at all.</summary>
    private static bool FromConfiguration(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(underlying))
        {
            return true;
        }

        if (ElementTypeOf(underlying) is { } element)
        {
            return FromConfiguration(element);
        }

        return !typeof(Delegate).IsAssignableFrom(underlying) && !underlying.IsAbstract && !underlying.IsInterface;
    }

    private static bool IsScalar(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Guid) || type == typeof(Uri);

    /// <summary>The element type of a list or the value type of a string-keyed dictionary; <see langword="null"/> otherwise.</summary>
    private static Type? ElementTypeOf(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        var dictionary = interfaces.FirstOrDefault(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
        if (dictionary is not null)
        {
            return dictionary.GetGenericArguments()[1];
        }

        return interfaces.FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
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
