"""Copy a raw warehouse from a DuckDB file into a local Spark catalog, with its column types, so
the dbt `spark` target (dbt-spark, session method) builds pql from the same raw data.

    python -m pql_tools.spark_load --db raw.duckdb [--schema raw]

Each table of the DuckDB schema is written to Parquet by DuckDB and read back by Spark into a
table of the same name (VARCHAR -> string, TIMESTAMPTZ -> timestamp, TIMESTAMP -> timestamp_ntz,
BOOLEAN -> boolean, numbers -> their Spark numbers). The Spark session is built from the `spark`
output of profiles.yml (rendered with the same environment), so the loader and dbt share one
warehouse directory and metastore (PQL_SPARK_DIR).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import duckdb
import jinja2
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
_MISSING = object()


def _env_var(name: str, default=_MISSING) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is _MISSING:
        raise KeyError(f"profiles.yml: env var {name} is not set and has no default")
    return default


def spark_parameters(profiles_path: Path = REPO_ROOT / "profiles.yml") -> dict[str, str]:
    """The server_side_parameters of the `spark` output of profiles.yml, each rendered as dbt
    renders it (env_var with defaults), so this process opens the catalog dbt will use. Only
    the spark output is rendered: other outputs may need env vars this run does not set."""
    outputs = yaml.safe_load(profiles_path.read_text())["pql"]["outputs"]
    if "spark" not in outputs:
        raise KeyError(f"{profiles_path}: no `spark` output under pql.outputs")
    env = jinja2.Environment()
    return {
        str(key): env.from_string(str(value)).render(env_var=_env_var)
        for key, value in outputs["spark"]["server_side_parameters"].items()
    }


def spark_session():
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_parameters().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def duckdb_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def load(db: Path, schema: str = "raw", spark=None) -> dict[str, int]:
    """Replace Spark database `schema` with every table of DuckDB schema `schema` in `db`;
    return the row count of each table as Spark reads it."""
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="pql_spark_load_") as tmp:
        with duckdb.connect(str(db), read_only=True) as con:
            tables = duckdb_tables(con, schema)
            if not tables:
                raise ValueError(f"{db}: schema {schema!r} has no tables to load")
            for table in tables:
                con.execute(
                    f'copy "{schema}"."{table}" to \'{tmp}/{table}.parquet\' (format parquet)'
                )
        spark = spark or spark_session()
        spark.sql(f"drop database if exists `{schema}` cascade")
        spark.sql(f"create database `{schema}`")
        for table in tables:
            frame = spark.read.parquet(f"{tmp}/{table}.parquet")
            frame.write.format("parquet").saveAsTable(f"`{schema}`.`{table}`")
            counts[table] = spark.table(f"`{schema}`.`{table}`").count()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="DuckDB file with the raw tables")
    parser.add_argument("--schema", default="raw", help="schema to copy (same name in Spark)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db}: no such DuckDB file")
    counts = load(args.db, args.schema)
    for table, count in counts.items():
        print(f"{args.schema}.{table:<20} {count:>10,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
