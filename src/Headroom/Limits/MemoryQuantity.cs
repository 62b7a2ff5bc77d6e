using System.Globalization;
using k8s.Models;

namespace Headroom.Limits;

/// <summary>
/// A memory amount in bytes that reads and prints as a Kubernetes quantity (<c>17Mi</c>, <c>18M</c>, <c>0.5Gi</c>, plain bytes).
/// Parsing and canonical printing are the Kubernetes client's <see cref="ResourceQuantity"/>, so a limit means here
/// exactly what it means in a pod spec.
/// </summary>
public readonly record struct MemoryQuantity(long Bytes) : IComparable<MemoryQuantity>
{
    public const long Mebibyte = 1024 * 1024;

    public static MemoryQuantity FromMebibytes(double mebibytes) => new((long)Math.Round(mebibytes * Mebibyte));

    public double Mebibytes => Bytes / (double)Mebibyte;

    /// <summary>The largest quantity accepted (1Ei).</summary>
    public const long MaxBytes = 1L << 60;

    /// <summary>Parses a Kubernetes quantity; throws <see cref="UserInputException"/> with a one-line reason when it is not one.</summary>
    public static MemoryQuantity Parse(string text, string what = "memory quantity")
    {
        if (TryParse(text, out var quantity, out var error))
        {
            return quantity;
        }
        throw new UserInputException($"{what} '{text}' is not valid: {error}");
    }

    public static bool TryParse(string? text, out MemoryQuantity quantity, out string error)
    {
        quantity = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "it is empty; use a Kubernetes quantity such as 64Mi, 100M or 0.5Gi";
            return false;
        }
        decimal value;
        try
        {
            value = new ResourceQuantity(text.Trim()).ToDecimal();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            error = "not a Kubernetes quantity; use a number with an optional suffix Ki, Mi, Gi, Ti, k, M, G, T (e.g. 64Mi)";
            return false;
        }
        if (value <= 0)
        {
            error = "it must be greater than zero";
            return false;
        }
        // The Kubernetes parser clamps what it cannot hold (99999999Ti came back as 8Ei): refuse instead of guessing.
        if (value > MaxBytes)
        {
            error = "it is too large: at most 1Ei, far beyond any machine";
            return false;
        }
        quantity = new MemoryQuantity((long)decimal.Ceiling(value));
        error = "";
        return true;
    }

    /// <summary>The canonical Kubernetes form: binary suffixes where exact (<c>17Mi</c>), plain bytes otherwise.</summary>
    public string ToKubernetes() => new ResourceQuantity(Bytes, 0, ResourceQuantity.SuffixFormat.BinarySI).ToString();

    /// <summary>For humans: mebibytes with one decimal, as the article prints its memory amounts.</summary>
    public string ToMebibyteString() => string.Create(CultureInfo.InvariantCulture, $"{Mebibytes:0.0} MiB");

    public override string ToString() => ToKubernetes();

    public int CompareTo(MemoryQuantity other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(MemoryQuantity left, MemoryQuantity right) => left.Bytes < right.Bytes;
    public static bool operator >(MemoryQuantity left, MemoryQuantity right) => left.Bytes > right.Bytes;
    public static bool operator <=(MemoryQuantity left, MemoryQuantity right) => left.Bytes <= right.Bytes;
    public static bool operator >=(MemoryQuantity left, MemoryQuantity right) => left.Bytes >= right.Bytes;
}
