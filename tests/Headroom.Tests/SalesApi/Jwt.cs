using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Headroom.Tests.SalesApi;

/// <summary>JWTs taken apart and made by hand (RFC 7515 compact form), independently of the sample's JWT library.</summary>
internal static class Jwt
{
    public static JsonObject Header(string token) => Part(token, 0);
    public static JsonObject Payload(string token) => Part(token, 1);

    public static bool VerifyRs256(string token, RSA publicKey)
    {
        var parts = token.Split('.');
        return parts.Length == 3 && publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    public static string SignRs256(JsonObject header, JsonObject payload, RSA privateKey)
    {
        var unsigned = Encode(header) + "." + Encode(payload);
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return unsigned + "." + Base64Url(signature);
    }

    /// <summary>The <c>alg: none</c> attack: an unsigned token that claims whatever it likes.</summary>
    public static string Unsigned(JsonObject header, JsonObject payload) => Encode(header) + "." + Encode(payload) + ".";

    /// <summary>The token with its payload replaced and the original signature kept.</summary>
    public static string WithPayload(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return parts[0] + "." + Encode(payload) + "." + parts[2];
    }

    public static long UnixNow => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static JsonObject Part(string token, int index) =>
        JsonNode.Parse(Decode(token.Split('.')[index]))!.AsObject();

    private static string Encode(JsonObject part) => Base64Url(Encoding.UTF8.GetBytes(part.ToJsonString()));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string part)
    {
        var padded = part.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.FromBase64String(padded);
    }
}
