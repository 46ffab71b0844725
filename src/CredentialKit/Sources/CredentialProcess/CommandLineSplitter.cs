using System.Text;

namespace CredentialKit;

/// <summary>
/// Splits a <c>credential_process</c> command line into arguments the way the AWS CLI (botocore) does, so the process
/// runs without a shell: POSIX <c>shlex.split</c> rules on Linux and macOS, the Windows command-line rules
/// (<c>CommandLineToArgvW</c>, which botocore's <c>_windows_shell_split</c> follows) on Windows.
/// </summary>
internal static class CommandLineSplitter
{
    /// <summary>Splits <paramref name="commandLine"/> with the rules of the current platform.</summary>
    /// <exception cref="FormatException">A quote is not closed, or the line ends in an escape (the message says which).</exception>
    public static IReadOnlyList<string> Split(string commandLine) =>
        OperatingSystem.IsWindows() ? SplitWindows(commandLine) : SplitPosix(commandLine);

    /// <summary>
    /// <c>shlex.split(s, posix=True)</c>: white space separates; <c>'…'</c> keeps everything literally; inside <c>"…"</c>
    /// a backslash escapes only <c>"</c> and <c>\</c>; outside quotes it escapes any character; no comments.
    /// </summary>
    public static IReadOnlyList<string> SplitPosix(string commandLine)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case '\'':
                {
                    inToken = true;
                    var end = commandLine.IndexOf('\'', i + 1);
                    if (end < 0)
                    {
                        throw new FormatException("it has a single quote that is never closed");
                    }

                    current.Append(commandLine, i + 1, end - i - 1);
                    i = end;
                    break;
                }

                case '"':
                {
                    inToken = true;
                    var closed = false;
                    for (i++; i < commandLine.Length; i++)
                    {
                        var d = commandLine[i];
                        if (d == '"')
                        {
                            closed = true;
                            break;
                        }

                        if (d == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\')
                        {
                            d = commandLine[++i];
                        }

                        current.Append(d);
                    }

                    if (!closed)
                    {
                        throw new FormatException("it has a double quote that is never closed");
                    }

                    break;
                }

                case '\\':
                    if (i + 1 >= commandLine.Length)
                    {
                        throw new FormatException("it ends with a backslash that escapes nothing");
                    }

                    inToken = true;
                    current.Append(commandLine[++i]);
                    break;
                default:
                    if (char.IsWhiteSpace(c))
                    {
                        Flush(arguments, current, ref inToken);
                    }
                    else
                    {
                        inToken = true;
                        current.Append(c);
                    }

                    break;
            }
        }

        Flush(arguments, current, ref inToken);
        return arguments;
    }

    /// <summary>
    /// The Windows rules: white space separates outside quotes; <c>"</c> toggles quoting; 2n backslashes before a quote
    /// give n backslashes and a toggle, 2n+1 give n backslashes and a literal quote; other backslashes are literal.
    /// </summary>
    public static IReadOnlyList<string> SplitWindows(string commandLine)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        var quoted = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '\\')
            {
                var run = 0;
                while (i < commandLine.Length && commandLine[i] == '\\')
                {
                    run++;
                    i++;
                }

                inToken = true;
                if (i < commandLine.Length && commandLine[i] == '"')
                {
                    current.Append('\\', run / 2);
                    if (run % 2 == 1)
                    {
                        current.Append('"');
                    }
                    else
                    {
                        quoted = !quoted;
                    }
                }
                else
                {
                    current.Append('\\', run);
                    i--;
                }
            }
            else if (c == '"')
            {
                inToken = true;
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                Flush(arguments, current, ref inToken);
            }
            else
            {
                inToken = true;
                current.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException("it has a double quote that is never closed");
        }

        Flush(arguments, current, ref inToken);
        return arguments;
    }

    /// <summary>Ends the argument being built, if any (an empty quoted argument counts).</summary>
    private static void Flush(List<string> arguments, StringBuilder current, ref bool inToken)
    {
        if (inToken)
        {
            arguments.Add(current.ToString());
            current.Clear();
            inToken = false;
        }
    }
}
