using System.Data.Common;
using SalesApi.Auth;

namespace SalesApi.Data;

/// <summary>Creates the schema (versioned, applied once) and seeds the two users of the article's service.</summary>
public static class SchemaMigrator
{
    /// <summary>The seeded users' ids: the same as the original service's seed data.</summary>
    public const string AdminId = "5cf37266-3473-4006-984f-9325122678b7";
    public const string UserId = "45b5fbd3-755f-4379-8f07-a58d4a30fa2f";
    public const string SeedPassword = "gophers";
    private static readonly DateTime SeedDate = new(2019, 3, 24, 0, 0, 0, DateTimeKind.Utc);

    private static string[] Migrations(SqlDialect dialect) =>
    [
        $"""
        CREATE TABLE users (
            user_id       TEXT PRIMARY KEY,
            name          TEXT NOT NULL,
            email         TEXT NOT NULL UNIQUE,
            roles         TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            department    TEXT NOT NULL,
            enabled       {dialect.BooleanType} NOT NULL,
            date_created  {dialect.TimestampType} NOT NULL,
            date_updated  {dialect.TimestampType} NOT NULL
        )
        """,
    ];

    public static async Task MigrateAndSeedAsync(SalesDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        if (database.Dialect == SqlDialect.Sqlite)
        {
            // WAL lets readers run beside the (rare) writer; 10 concurrent readers is the article's load.
            await Execute(connection, "PRAGMA journal_mode=WAL", ct);
        }
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", ct);
        await using (var read = SalesDatabase.Command(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        {
            var applied = Convert.ToInt32(await read.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            var migrations = Migrations(database.Dialect);
            for (var version = applied + 1; version <= migrations.Length; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await Execute(connection, migrations[version - 1], ct, transaction);
                await using var record = SalesDatabase.Command(connection, "INSERT INTO schema_version (version) VALUES (@version)", ("version", version));
                record.Transaction = transaction;
                await record.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }
        await SeedAsync(connection, database.Dialect, AdminId, "Admin Gopher", "admin@example.com", "ADMIN", ct);
        await SeedAsync(connection, database.Dialect, UserId, "User Gopher", "user@example.com", "USER", ct);
    }

    private static async Task SeedAsync(DbConnection connection, SqlDialect dialect, string id, string name, string email, string roles, CancellationToken ct)
    {
        await using var exists = SalesDatabase.Command(connection, "SELECT COUNT(*) FROM users WHERE user_id = @id", ("id", id));
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return;
        }
        await using var insert = SalesDatabase.Command(connection,
            """
            INSERT INTO users (user_id, name, email, roles, password_hash, department, enabled, date_created, date_updated)
            VALUES (@id, @name, @email, @roles, @hash, @department, @enabled, @created, @updated)
            ON CONFLICT DO NOTHING
            """,
            ("id", id), ("name", name), ("email", email), ("roles", roles), ("hash", PasswordHash.Create(SeedPassword)),
            ("department", "IT"), ("enabled", DbValues.Boolean(dialect, true)),
            ("created", DbValues.Timestamp(dialect, SeedDate)), ("updated", DbValues.Timestamp(dialect, SeedDate)));
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task Execute(DbConnection connection, string sql, CancellationToken ct, DbTransaction? transaction = null)
    {
        await using var command = SalesDatabase.Command(connection, sql);
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(ct);
    }
}
