using HdrHistogram;
using HdrHistogram.Utilities;

namespace Headroom.Load;

/// <summary>The latency histograms of a run: microseconds, 3 significant digits, up to one hour.</summary>
internal static class LatencyHistograms
{
    public const long HighestMicroseconds = 3_600_000_000;

    public static LongHistogram Create() => new(1, HighestMicroseconds, 3);

    public static string Encode(HistogramBase histogram)
    {
        // ByteBuffer.Allocate(byte[]) wraps the array, so the encoding lands in bytes.
        var bytes = new byte[histogram.GetNeededByteBufferCapacity()];
        var length = histogram.EncodeIntoCompressedByteBuffer(ByteBuffer.Allocate(bytes));
        return Convert.ToBase64String(bytes, 0, length);
    }

    public static HistogramBase Decode(string base64)
    {
        var buffer = ByteBuffer.Allocate(Convert.FromBase64String(base64));
        return HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
    }
}
