using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SalesApi.Api;

/// <summary>
/// A JSON answer sent with a Content-Length, as Go's net/http sends small answers; Results.Json streams them chunked,
/// and load generators such as hey then report no "Total data" / "Size/request".
/// </summary>
public sealed class JsonBody<T>(T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type);
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
    }
}
