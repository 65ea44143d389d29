{#- The point an incremental run re-reads from: the model's own high-water mark on
    `watermark_column`, less `pql_lookback_days`, so rows a loader commits late are still seen.
    On a full build, and when the table is empty, it is the beginning of time: everything is
    read, so a model can filter on it unconditionally.
    The high-water mark is the maximum over plausible load times only (is_plausible_load_time:
    not null, not before pql_earliest_plausible_load_time, not after the run start plus
    pql_future_tolerance_hours), so a stored row stamped 2099 (rejected as future_load_time)
    can never move the watermark past the rows still to come.
    When a model runs, the high-water mark is read first and written into the SQL as a literal,
    so the warehouse can prune the raw scan to the new rows (a subquery bound would make DuckDB
    parse every raw row before filtering). In unit tests `this` is a fixture, so the bound
    stays a subquery there. -#}
{% macro incremental_since(watermark_column) -%}
    {%- set lookback_days = -1 * (var('pql_lookback_days') | int) -%}
    {%- set beginning = dbt.cast("'1900-01-01'", dbt.type_timestamp()) -%}
    {%- set plausible = is_plausible_load_time(watermark_column) -%}
    {%- if not is_incremental() -%}
        {{ beginning }}
    {%- elif execute and model.resource_type == 'model' -%}
        {%- set high_water = run_query(
            "select max(" ~ watermark_column ~ ") from " ~ this ~ " where " ~ plausible
        ).columns[0].values()[0] -%}
        {%- if high_water is none -%}
            {{ beginning }}
        {%- else -%}
            {{ dbt.dateadd('day', lookback_days, dbt.cast("'" ~ high_water ~ "'", dbt.type_timestamp())) }}
        {%- endif -%}
    {%- else -%}
        (
            select
                {{ dbt.dateadd(
                    'day',
                    lookback_days,
                    "coalesce(max(" ~ watermark_column ~ "), " ~ beginning ~ ")"
                ) }}
            from {{ this }}
            where {{ plausible }}
        )
    {%- endif -%}
{%- endmacro %}
