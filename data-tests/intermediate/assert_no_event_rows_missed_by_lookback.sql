{#- Severity warn: raw track and page rows that no incremental run will ever read (loaded with
    a received_at older than the watermark less pql_lookback_days), one row per raw table with
    the count and the fix; each such row is listed in int_event_rows_missed_by_lookback. The
    count is the warning's number, and the message is printed in the dbt output too. -#}
{{ config(severity='warn', fail_calc='coalesce(sum(missed_row_count), 0)') }}
{%- set fix = "run `dbt build --full-refresh --select int_event_rows_classified+`, or raise"
    ~ " pql_lookback_days to cover how late your loader commits rows" -%}

with

missed as (
    select * from {{ ref('int_event_rows_missed_by_lookback') }}
),

per_table as (
    select
        raw_table,
        sum(missed_row_count) as missed_row_count,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at
    from missed
    group by raw_table
),

final as (
    select
        raw_table,
        missed_row_count,
        first_received_at,
        last_received_at,
        {{ dbt.concat([
            dbt.cast('missed_row_count', dbt.type_string()),
            "' raw '", 'raw_table',
            "' rows were loaded behind the incremental watermark less pql_lookback_days (received_at '",
            "coalesce(" ~ dbt.cast('first_received_at', dbt.type_string()) ~ ", '?')",
            "' to '",
            "coalesce(" ~ dbt.cast('last_received_at', dbt.type_string()) ~ ", '?')",
            "') and are in neither the clean stream nor the rejected rows (listed in int_event_rows_missed_by_lookback); "
            ~ fix ~ "'",
        ]) }} as message
    from per_table
)

{%- set missed_relation = load_relation(ref('int_event_rows_missed_by_lookback')) if execute else none %}
{%- if missed_relation is not none %}
    {%- set warnings = run_query(
        "select raw_table, missed_row_count from " ~ missed_relation
        ~ " where missed_row_count > 0"
    ) -%}
    {%- set counts = {} -%}
    {%- for row in warnings.rows -%}
        {%- do counts.update({row[0]: counts.get(row[0], 0) + row[1]}) -%}
    {%- endfor -%}
    {%- for raw_table, count in counts.items() | sort -%}
        {%- do exceptions.warn(
            "event rows missed by the lookback: " ~ count ~ " raw " ~ raw_table
            ~ " rows were loaded behind the incremental watermark less pql_lookback_days and were never"
            ~ " classified (listed in int_event_rows_missed_by_lookback); " ~ fix
        ) -%}
    {%- endfor -%}
{%- endif %}

select * from final
