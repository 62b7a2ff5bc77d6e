using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace SalesApi.Auth;

/// <summary>The RSA key that signs and verifies tokens, with the key id it is published under.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa;

    private SigningKey(RSA rsa, string kid)
    {
        _rsa = rsa;
        Kid = kid;
        Private = new RsaSecurityKey(rsa) { KeyId = kid };
        Public = new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)) { KeyId = kid };
    }

    public string Kid { get; }
    public RsaSecurityKey Private { get; }
    public RsaSecurityKey Public { get; }

    /// <summary>
    /// Loads the PEM key at <paramref name="path"/>; when the path is the default one in the data folder and no key is
    /// there yet, generates one and writes it (owner-only).
    /// </summary>
    public static SigningKey LoadOrCreate(string path, bool pathIsGiven, string kid)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return new SigningKey(rsa, kid);
        }
        if (pathIsGiven)
        {
            rsa.Dispose();
            throw new ArgumentException($"no key file at {path} (SALES_KEYS_PATH / --keys-path); give a PEM RSA private key or leave it empty to generate one");
        }
        rsa.KeySize = 2048;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
        return new SigningKey(rsa, kid);
    }

    public void Dispose() => _rsa.Dispose();
}
