{#- The freshness query of a raw table (sources' `loaded_at_query`): the latest plausible value
    of `column`, read by its type in the warehouse like staging reads it (raw_column: TIMESTAMPTZ
    converted to UTC, TIMESTAMP taken as UTC, ISO-8601 text parsed safely), so typed and text
    raw tables are checked alike. Load times that are implausible or in the future
    (is_plausible_load_time) are left out, as for the incremental watermark, so one row stamped
    2099 never makes a stale table look fresh. A table declared absent in var
    pql_absent_raw_tables has nothing to be late: it reports the run's start time (fresh).
    Rendered by `dbt source freshness`, with the source table as `source_node`. -#}
{% macro source_loaded_at_query(column) -%}
    {%- set raw = raw_table(source_node.source_name, source_node.name) -%}
    {%- if raw.is_absent -%}
        select {{ dbt.cast("'" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "'", dbt.type_timestamp()) }}
    {%- else -%}
        {%- set loaded_at = raw_column(raw, column, 'timestamp') -%}
        select max({{ loaded_at }})
        from {{ raw.relation }}
        where {{ is_plausible_load_time(loaded_at) }}
    {%- endif -%}
{%- endmacro %}
