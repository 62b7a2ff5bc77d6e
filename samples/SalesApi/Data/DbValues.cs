using System.Data.Common;
using System.Globalization;

namespace SalesApi.Data;

/// <summary>Booleans and timestamps in each dialect's own column types (SQLite has neither).</summary>
public static class DbValues
{
    public static object Boolean(SqlDialect dialect, bool value) => dialect == SqlDialect.Sqlite ? (value ? 1L : 0L) : value;

    public static object Timestamp(SqlDialect dialect, DateTime utc) =>
        dialect == SqlDialect.Sqlite ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) : utc;

    public static bool ReadBoolean(DbDataReader reader, int ordinal) => Convert.ToBoolean(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public static DateTime ReadTimestamp(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) switch
    {
        DateTime value => DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc),
        string text => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        var other => throw new InvalidDataException($"unexpected timestamp value {other}"),
    };
}
