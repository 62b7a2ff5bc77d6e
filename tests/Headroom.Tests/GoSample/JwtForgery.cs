using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Headroom.Tests.GoSample;

/// <summary>Makes tokens the sample must refuse: expired, unsigned, tampered.</summary>
internal static class JwtForgery
{
    public static string Encode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string segment)
    {
        var base64 = segment.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    public static JsonElement Part(string token, int index) =>
        JsonDocument.Parse(Decode(token.Split('.')[index])).RootElement.Clone();

    /// <summary>An RS256 token signed with the sample's own key, so only the claims can make it invalid.</summary>
    public static string SignRs256(string pemPath, string kid, object claims)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(pemPath));
        var signingInput = Segment(new { alg = "RS256", kid, typ = "JWT" }) + "." + Segment(claims);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    /// <summary>An unsigned token ("alg":"none") with the given claims.</summary>
    public static string Unsigned(string kid, object claims) =>
        Segment(new { alg = "none", kid, typ = "JWT" }) + "." + Segment(claims) + ".";

    /// <summary>The token with its payload replaced, the original signature kept.</summary>
    public static string WithPayload(string token, object claims)
    {
        var parts = token.Split('.');
        return parts[0] + "." + Segment(claims) + "." + parts[2];
    }

    private static string Segment(object value) => Encode(JsonSerializer.SerializeToUtf8Bytes(value));
}
