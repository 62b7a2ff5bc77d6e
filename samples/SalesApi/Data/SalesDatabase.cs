using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SalesApi.Data;

/// <summary>
/// Where the users live: a SQLite file in the data folder by default, PostgreSQL when a connection string is given.
/// Both speak the same parameterized SQL (<c>@name</c> parameters); the few differences are in <see cref="Dialect"/>.
/// </summary>
public sealed class SalesDatabase : IAsyncDisposable
{
    private readonly DbDataSource _source;

    private SalesDatabase(DbDataSource source, SqlDialect dialect, string description)
    {
        _source = source;
        Dialect = dialect;
        Description = description;
    }

    public SqlDialect Dialect { get; }
    /// <summary>Which database, for the start-up line (no password).</summary>
    public string Description { get; }

    public static SalesDatabase Open(SalesOptions options)
    {
        if (options.UsesPostgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            return new SalesDatabase(NpgsqlDataSource.Create(builder), SqlDialect.Postgres,
                $"postgres {builder.Host}:{builder.Port}/{builder.Database}");
        }
        Directory.CreateDirectory(options.DataDir);
        var file = Path.GetFullPath(Path.Combine(options.DataDir, "sales.db"));
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 30 };
        return new SalesDatabase(SqliteFactory.Instance.CreateDataSource(connection.ToString()), SqlDialect.Sqlite, $"sqlite {file}");
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}

/// <summary>The SQL that differs between SQLite and PostgreSQL.</summary>
public sealed record SqlDialect(string Name, string TimestampType, string BooleanType)
{
    public static readonly SqlDialect Sqlite = new("sqlite", "TEXT", "INTEGER");
    public static readonly SqlDialect Postgres = new("postgres", "TIMESTAMPTZ", "BOOLEAN");
}
