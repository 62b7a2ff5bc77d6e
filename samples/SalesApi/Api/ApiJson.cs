using System.Text.Json;
using System.Text.Json.Serialization;
using SalesApi.Data;

namespace SalesApi.Api;

public sealed record ErrorBody(string Error);
public sealed record TokenBody(string Token);
public sealed record UsersPage(IReadOnlyList<User> Items, long Total, int Page, int RowsPerPage);
public sealed record StatusBody(string Status);
public sealed record LivenessBody(string Status, string Host, int Pid);

/// <summary>Source-generated JSON for every body the API writes: no reflection at run time, camelCase names.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(UsersPage))]
[JsonSerializable(typeof(StatusBody))]
[JsonSerializable(typeof(LivenessBody))]
public sealed partial class ApiJson : JsonSerializerContext;

/// <summary>The API's error answers: JSON <c>{"error":"..."}</c> with the status that fits.</summary>
public static class ApiErrors
{
    public static IResult Status(int status, string message) => new JsonBody<ErrorBody>(new ErrorBody(message), ApiJson.Default.ErrorBody, status);
    public static IResult BadRequest(string message) => Status(StatusCodes.Status400BadRequest, message);
    public static IResult Unauthorized(string message) => Status(StatusCodes.Status401Unauthorized, message);
    public static IResult Forbidden(string message) => Status(StatusCodes.Status403Forbidden, message);
    public static IResult NotFound(string message) => Status(StatusCodes.Status404NotFound, message);
}
