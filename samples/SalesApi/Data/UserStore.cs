using System.Globalization;

namespace SalesApi.Data;

/// <summary>A user as the API shows it.</summary>
public sealed record User(
    string Id, string Name, string Email, IReadOnlyList<string> Roles, string Department, bool Enabled, DateTime DateCreated, DateTime DateUpdated);

/// <summary>What the token endpoint needs to check a login.</summary>
public sealed record Credentials(string Id, IReadOnlyList<string> Roles, string PasswordHash, bool Enabled);

/// <summary>The users queries, each one parameterized SQL statement.</summary>
public sealed class UserStore(SalesDatabase database)
{
    private const string Columns = "user_id, name, email, roles, department, enabled, date_created, date_updated";

    public async Task<Credentials?> FindCredentialsAsync(string email, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = SalesDatabase.Command(connection,
            "SELECT user_id, roles, password_hash, enabled FROM users WHERE email = @email", ("email", email));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new Credentials(reader.GetString(0), SplitRoles(reader.GetString(1)), reader.GetString(2), DbValues.ReadBoolean(reader, 3));
    }

    /// <summary>True when the user exists and is enabled (the original checks this on every authorized call).</summary>
    public async Task<bool> IsEnabledAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = SalesDatabase.Command(connection, "SELECT enabled FROM users WHERE user_id = @id", ("id", id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && DbValues.ReadBoolean(reader, 0);
    }

    /// <summary>One page of users (ordered by id) and the total: two queries on one connection.</summary>
    public async Task<(IReadOnlyList<User> Items, long Total)> PageAsync(int page, int rows, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var items = new List<User>(rows);
        await using (var query = SalesDatabase.Command(connection,
            $"SELECT {Columns} FROM users ORDER BY user_id LIMIT @rows OFFSET @offset",
            ("rows", (long)rows), ("offset", (long)(page - 1) * rows)))
        await using (var reader = await query.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(new User(reader.GetString(0), reader.GetString(1), reader.GetString(2), SplitRoles(reader.GetString(3)),
                    reader.GetString(4), DbValues.ReadBoolean(reader, 5), DbValues.ReadTimestamp(reader, 6), DbValues.ReadTimestamp(reader, 7)));
            }
        }
        await using var count = SalesDatabase.Command(connection, "SELECT COUNT(*) FROM users");
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return (items, total);
    }

    public async Task PingAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = SalesDatabase.Command(connection, "SELECT 1");
        await command.ExecuteScalarAsync(ct);
    }

    private static string[] SplitRoles(string roles) => roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
