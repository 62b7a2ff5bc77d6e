using System.Globalization;
using System.Text.Json.Serialization;

namespace Headroom.Load;

/// <summary>
/// Requests that failed one way: an error (<c>refused</c>, <c>timeout</c>, <c>reset</c>, …) or a status outside the
/// expected ones (<c>status 503</c>).
/// </summary>
public sealed record LoadFailure(string Kind, long Count)
{
    /// <summary>The status of a <c>status NNN</c> failure, null for an error.</summary>
    [JsonIgnore]
    public int? Status => Kind.StartsWith(StatusPrefix, StringComparison.Ordinal)
        && int.TryParse(Kind.AsSpan(StatusPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>What the failure is in words: <c>503</c>, <c>connection refused</c>.</summary>
    public string Describe() => Status is { } code ? code.ToString(CultureInfo.InvariantCulture)
        : Enum.TryParse<LoadErrorKind>(Kind, ignoreCase: true, out var kind) ? LoadErrorKinds.Describe(kind)
        : Kind;

    private const string StatusPrefix = "status ";

    /// <summary>Every failure of <paramref name="report"/>: its errors by kind and its unexpected statuses, most frequent first.</summary>
    public static IReadOnlyList<LoadFailure> Of(LoadReport report, ExpectedStatuses expect) =>
        [.. report.Errors.Select(e => new LoadFailure(e.Kind.ToString().ToLowerInvariant(), e.Count))
            .Concat(report.StatusCodes.Where(s => !expect.IsExpected(s.Code)).Select(s => new LoadFailure(StatusPrefix + s.Code.ToString(CultureInfo.InvariantCulture), s.Count)))
            .OrderByDescending(f => f.Count)];

    /// <summary>Failures in one line, most frequent first: <c>988 refused, 12 status 503</c>; empty when none.</summary>
    public static string Summarize(IReadOnlyList<LoadFailure> failures) =>
        string.Join(", ", failures.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Count:N0} {f.Kind}")));
}
