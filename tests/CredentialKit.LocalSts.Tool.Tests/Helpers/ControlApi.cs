using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CredentialKit.LocalSts.Tool.Tests.Helpers;

/// <summary>The tool's HTTP control API, as a non-.NET test would use it (plain JSON over loopback HTTP).</summary>
internal sealed class ControlApi(Uri endpoint)
{
    private static readonly HttpClient Http = new();

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(endpoint, "/_localsts/" + path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {body}");
        }

        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<string> MintWebIdentityTokenAsync(string subject) =>
        (await SendAsync(HttpMethod.Post, "tokens/web-identity", JsonSerializer.Serialize(new { subject }))).GetProperty("token").GetString()!;

    public async Task<string> MintSamlAssertionAsync(string roleArn, string roleSessionName) =>
        (await SendAsync(HttpMethod.Post, "tokens/saml", JsonSerializer.Serialize(new { roleArn, roleSessionName }))).GetProperty("assertion").GetString()!;

    public Task<JsonElement> GetSessionsAsync() => SendAsync(HttpMethod.Get, "sessions");

    public static Task<HttpResponseMessage> GetAsync(Uri url, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Http.SendAsync(request);
    }

    public static Task<T?> ReadAsync<T>(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>();
}
