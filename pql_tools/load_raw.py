"""Copy the raw tables of a DuckDB warehouse (what `python -m pql_demo` writes) into a
PostgreSQL schema, keeping each column's type, so the same generated warehouse (text or typed
raw shape) can be built with `PQL_TARGET=postgres dbt build`.

    python -m pql_tools.load_raw --db /tmp/x.duckdb --host 127.0.0.1 --port 55432 \\
        --user pql --dbname pql [--source-schema raw] [--schema raw]

Each table is dropped and re-created in the target schema, then filled with one PostgreSQL
`COPY ... FROM STDIN` of a CSV that DuckDB writes (no DuckDB extension needed, so it works
offline). Connection defaults come from the PQL_PG_* variables, as in profiles.yml.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import duckdb
import psycopg2
from psycopg2 import sql

# DuckDB type -> PostgreSQL type. JSON stays text: a CDP's JSON column may hold malformed
# documents (pql flags them), which a PostgreSQL json column would refuse to load.
_TYPES = {
    "VARCHAR": "text",
    "JSON": "text",
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),(\d+)\)")
# Written by DuckDB for null and read back as null by PostgreSQL; a text value equal to it is
# quoted by DuckDB, which PostgreSQL's CSV reader then keeps as text.
_NULL = r"\N"


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL type for a DuckDB column type; fails naming a type it cannot carry."""
    decimal = _DECIMAL.fullmatch(duckdb_type)
    if decimal:
        return f"numeric({decimal.group(1)},{decimal.group(2)})"
    if duckdb_type not in _TYPES:
        raise ValueError(f"load_raw: DuckDB type {duckdb_type} has no PostgreSQL mapping")
    return _TYPES[duckdb_type]


def raw_tables(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, list[tuple[str, str]]]:
    """table -> [(column, DuckDB type)] in column order, for every table of the schema."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [schema],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def load(
    duckdb_path: str,
    dsn: dict,
    source_schema: str = "raw",
    schema: str = "raw",
    append: bool = False,
) -> dict:
    """Copy every table of `source_schema` in the DuckDB file to `schema` in PostgreSQL,
    replacing each table, or appending to it when `append` and it exists (a new day of data
    for an incremental build). Returns table -> rows copied."""
    source = duckdb.connect(duckdb_path, read_only=True)
    source.execute("set TimeZone = 'UTC'")
    tables = raw_tables(source, source_schema)
    if not tables:
        raise SystemExit(f"load_raw: no tables in schema {source_schema} of {duckdb_path}")
    copied = {}
    target = psycopg2.connect(**dsn)
    with target, target.cursor() as cur, tempfile.TemporaryDirectory() as tmp:
        cur.execute("set time zone 'UTC'")
        cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
        for table, columns in tables.items():
            name = sql.Identifier(schema, table)
            cur.execute("select to_regclass(%s)", [f'"{schema}"."{table}"'])
            exists = cur.fetchone()[0] is not None
            if exists and not append:
                cur.execute(sql.SQL("drop table {} cascade").format(name))
            if not (exists and append):
                cur.execute(
                    sql.SQL("create table {} ({})").format(
                        name,
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(postgres_type(t)))
                            for c, t in columns
                        ),
                    )
                )
            csv_path = Path(tmp) / f"{table}.csv"
            source.execute(
                f'copy (select * from "{source_schema}"."{table}") to \'{csv_path}\' '
                f"(format csv, header false, nullstr '{_NULL}')"
            )
            with csv_path.open("rb") as handle:
                cur.copy_expert(
                    sql.SQL("copy {} from stdin with (format csv, null {})")
                    .format(name, sql.Literal(_NULL))
                    .as_string(cur),
                    handle,
                )
            copied[table] = cur.rowcount
    source.close()
    target.close()
    return copied


def dsn_from_env(args: argparse.Namespace) -> dict:
    return {
        "host": args.host,
        "port": args.port,
        "user": args.user,
        "password": os.environ.get("PQL_PG_PASSWORD", ""),
        "dbname": args.dbname,
    }


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="DuckDB file written by pql_demo")
    parser.add_argument("--source-schema", default="raw", help="schema to copy in the DuckDB file")
    parser.add_argument("--schema", default="raw", help="PostgreSQL schema to copy into")
    parser.add_argument("--host", default=env("PQL_PG_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("PQL_PG_PORT", "55432")))
    parser.add_argument("--user", default=env("PQL_PG_USER", "pql"))
    parser.add_argument("--dbname", default=env("PQL_PG_DATABASE", "pql"))
    parser.add_argument(
        "--append", action="store_true", help="append to existing tables instead of replacing"
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    copied = load(args.db, dsn_from_env(args), args.source_schema, args.schema, args.append)
    if not args.quiet:
        for table, rows in copied.items():
            print(f"{args.schema}.{table:<20} {rows:>10,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
