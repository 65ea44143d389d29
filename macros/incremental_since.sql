{#- The point an incremental run re-reads from: the model's own high-water mark on
    `watermark_column`, less `pql_lookback_days`, so rows a loader commits late are still seen.
    An empty table has no maximum, so it falls back to the beginning of time and loads
    everything. -#}
{% macro incremental_since(watermark_column) -%}
    (
        select
            {{ dbt.dateadd(
                'day',
                -1 * (var('pql_lookback_days') | int),
                "coalesce(max(" ~ watermark_column ~ "), " ~ dbt.cast("'1900-01-01'", dbt.type_timestamp()) ~ ")"
            ) }}
        from {{ this }}
    )
{%- endmacro %}
