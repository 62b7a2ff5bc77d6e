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
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        // The package exposes no way to copy the buffer out but byte by byte (a few hundred bytes).
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }
        return Convert.ToBase64String(bytes);
    }

    public static HistogramBase Decode(string base64)
    {
        var buffer = ByteBuffer.Allocate(Convert.FromBase64String(base64));
        return HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
    }
}
