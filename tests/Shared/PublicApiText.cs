using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace CredentialKit.Testing;

/// <summary>
/// Renders an assembly's public surface as sorted text, one declaration a line, so a snapshot comparison shows any
/// change to types, members, signatures, accessibility or inheritance.
/// </summary>
internal static class PublicApiText
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string For(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.AppendLine(Describe(type));
            foreach (var member in Members(type).Order(StringComparer.Ordinal))
            {
                text.Append("    ").AppendLine(member);
            }
        }

        return text.ToString().ReplaceLineEndings("\n");
    }

    private static string Describe(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : "class";
        var modifiers = kind != "class" ? string.Empty
            : type.IsAbstract && type.IsSealed ? "static "
            : type.IsAbstract ? "abstract "
            : type.IsSealed ? "sealed " : string.Empty;
        var bases = new List<string>();
        if (kind == "class" && type.BaseType is { } baseType && baseType != typeof(object))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"public {modifiers}{kind} {Name(type)}" + (bases.Count > 0 && kind != "enum" ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type))
            {
                yield return $"{name} = {Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var ctor in type.GetConstructors(BindingFlags.Public | BindingFlags.Instance))
        {
            yield return $"ctor({Parameters(ctor)})";
        }

        foreach (var field in type.GetFields(Declared))
        {
            yield return $"{(field.IsLiteral ? "const " : field.IsStatic ? "static " : string.Empty)}{(field.IsInitOnly ? "readonly " : string.Empty)}{Name(field.FieldType)} {field.Name}";
        }

        foreach (var property in type.GetProperties(Declared))
        {
            var accessors = new List<string>();
            if (property.GetMethod is { IsPublic: true })
            {
                accessors.Add("get;");
            }

            if (property.SetMethod is { IsPublic: true } setter)
            {
                accessors.Add(setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m == typeof(IsExternalInit)) ? "init;" : "set;");
            }

            var indexer = property.GetIndexParameters();
            var name = indexer.Length == 0 ? property.Name : $"this[{string.Join(", ", indexer.Select(p => Name(p.ParameterType)))}]";
            var isStatic = (property.GetMethod ?? property.SetMethod)!.IsStatic ? "static " : string.Empty;
            yield return $"{isStatic}{Name(property.PropertyType)} {name} {{ {string.Join(" ", accessors)} }}";
        }

        foreach (var evt in type.GetEvents(Declared))
        {
            yield return $"event {Name(evt.EventHandlerType!)} {evt.Name}";
        }

        foreach (var method in type.GetMethods(Declared).Where(m => !m.IsSpecialName))
        {
            var modifiers = method.IsStatic ? "static " : method.IsAbstract && !type.IsInterface ? "abstract " : method.IsVirtual && !method.IsFinal && !type.IsInterface ? "virtual " : string.Empty;
            var extension = method.IsDefined(typeof(ExtensionAttribute)) ? "this " : string.Empty;
            var generic = method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : string.Empty;
            yield return $"{modifiers}{Name(method.ReturnType)} {method.Name}{generic}({extension}{Parameters(method)})";
        }
    }

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var name = type.IsNested ? $"{Name(type.DeclaringType!)}.{type.Name}" : $"{type.Namespace}.{type.Name}";
        if (!type.IsGenericType)
        {
            return name;
        }

        return $"{name[..name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}

/// <summary>
/// Compares an assembly's public surface with an approved snapshot under <c>tests/&lt;project&gt;/PublicApi/</c>; on a
/// difference it writes <c>&lt;name&gt;.received.txt</c> beside it and fails, naming what was added and removed.
/// </summary>
internal static class PublicApiSnapshot
{
    public static void Verify(System.Reflection.Assembly assembly, string name, string testProject)
    {
        // Found from the test binaries upwards (not CallerFilePath: deterministic CI builds map source paths away).
        var directory = Path.Combine(RepositoryRoot(), "tests", testProject, "PublicApi");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        var actual = PublicApiText.For(assembly);
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, actual);
        var added = actual.Split('\n').Except(approved.Split('\n')).Take(20);
        var removed = approved.Split('\n').Except(actual.Split('\n')).Take(20);
        Xunit.Assert.Fail(
            $"The public API of {name} changed. If intended, copy {receivedPath} over {approvedPath}.\n" +
            $"Added:\n  {string.Join("\n  ", added)}\nRemoved:\n  {string.Join("\n  ", removed)}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CredentialKit.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CredentialKit.sln above {AppContext.BaseDirectory}.");
    }
}
