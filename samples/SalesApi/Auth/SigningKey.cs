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
    /// Loads the PEM key at <paramref name="path"/> (refused when another user owns it or others can read it); when the
    /// path is the default one in the data folder and no key is there yet, generates one and writes it, owner-only, in a
    /// folder created 0700.
    /// </summary>
    public static SigningKey LoadOrCreate(string path, bool pathIsGiven, string kid)
    {
        var rsa = RSA.Create();
        try
        {
            if (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                KeyFileCheck.RequirePrivate(Path.GetDirectoryName(Path.GetFullPath(path))!, folder: true);
                KeyFileCheck.RequirePrivate(path, folder: false);
                rsa.ImportFromPem(File.ReadAllText(path));
                return new SigningKey(rsa, kid);
            }
            if (pathIsGiven)
            {
                throw new ArgumentException($"no key file at {path} (SALES_KEYS_PATH / --keys-path); give a PEM RSA private key or leave it empty to generate one");
            }
            rsa.KeySize = 2048;
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                KeyFileCheck.RequirePrivate(folder, folder: true);
            }
            // CreateNew: never written through a symlink or into a file someone else created meanwhile.
            using (var file = new FileStream(path, OperatingSystem.IsWindows()
                ? new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write }
                : new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(rsa.ExportPkcs8PrivateKeyPem());
            }
            return new SigningKey(rsa, kid);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    public void Dispose() => _rsa.Dispose();
}
