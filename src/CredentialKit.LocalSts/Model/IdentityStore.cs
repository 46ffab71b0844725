using System.Security.Cryptography;
using System.Text;

namespace CredentialKit.LocalSts.Model;

/// <summary>Read-only lookups over the configured accounts, built once when the server is created.</summary>
internal sealed class IdentityStore
{
    private readonly Dictionary<string, (LocalStsAccount Account, LocalStsUser User)> _usersByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (LocalStsAccount Account, LocalStsRole Role)> _rolesByArn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalStsAccount> _accounts = new(StringComparer.Ordinal);

    public IdentityStore(IEnumerable<LocalStsAccount> accounts)
    {
        foreach (var account in accounts)
        {
            _accounts[account.AccountId] = account;
            foreach (var user in account.Users)
            {
                _usersByKey[user.AccessKeyId] = (account, user);
            }

            foreach (var role in account.Roles)
            {
                _rolesByArn[account.RoleArn(role.RoleName)] = (account, role);
            }
        }
    }

    public (LocalStsAccount Account, LocalStsUser User)? FindUserByAccessKey(string accessKeyId) =>
        _usersByKey.TryGetValue(accessKeyId, out var u) ? u : null;

    public (LocalStsAccount Account, LocalStsRole Role)? FindRole(string roleArn) =>
        _rolesByArn.TryGetValue(roleArn, out var r) ? r : null;

    public LocalStsAccount? FindAccount(string accountId) => _accounts.GetValueOrDefault(accountId);

    public static string UserId(string accountId, string userName) => "AIDA" + StableId(accountId + ":user/" + userName);

    public static string RoleId(string accountId, string roleName) => "AROA" + StableId(accountId + ":role/" + roleName);

    // Deterministic, AWS-looking unique ids (17 upper-case base32 characters) so tests can predict them across runs.
    private static string StableId(string seed)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        var chars = new char[17];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[hash[i] % alphabet.Length];
        }

        return new string(chars);
    }
}
