using System.Globalization;
using System.Security.Cryptography;

namespace SalesApi.Auth;

/// <summary>Salted PBKDF2-SHA256 password hashes, stored as <c>pbkdf2-sha256$iterations$salt$hash</c> (base64).</summary>
public static class PasswordHash
{
    private const string Scheme = "pbkdf2-sha256";
    // OWASP's 2023 figure for PBKDF2-SHA256 is 600,000; this sample logs in once per load test, and 100,000 keeps a
    // token request near 50 ms on a small machine while still being a real work factor.
    private const int Iterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>A hash of a random password with the same work factor, to check unknown users against.</summary>
    public static string Dummy { get; } = Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
