{#- Raw track and page rows that int_event_rows_classified never read: loaded after a run with a
    received_at older than that run's watermark less pql_lookback_days, so no incremental run
    will ever look at them. Fix: `dbt build --full-refresh --select int_event_rows_classified+`,
    or raise pql_lookback_days to cover how late the loader commits.
    Cost: a row behind the lookback carries an old received_at by definition, so no filter on
    load time finds it among the new rows; a count does. The raw and classified rows are
    counted per table and received_at day first (one narrow scan of each: load times only, none
    of the parsed columns); only the rows of the days whose counts differ are read whole and
    compared row by row, so a healthy warehouse (no such day) pays two column scans and an
    aggregate of a few hundred rows per build. Rows are matched by content (table, message id,
    load time, client time, ids) and by count, so identical raw copies are matched one for one.
    The day counts run first, as their own query (differing_days below); the days they find
    are written into the model's SQL as literals, so on a healthy warehouse the row-level
    branches read `where false` and the warehouse never parses a raw row. A table, so the warn
    test and its message read it cheaply. -#}
{%- set day_key = "coalesce(" ~ dbt.cast(dbt.cast('received_at', 'date'), dbt.type_string()) ~ ", 'none')" -%}
{%- set row_key = dbt.hash(dbt.concat([
    'event_source', "'|'",
    "coalesce(raw_message_id, '')", "'|'",
    "coalesce(" ~ dbt.cast('received_at', dbt.type_string()) ~ ", '')", "'|'",
    "coalesce(timestamp_as_sent, '')", "'|'",
    "coalesce(anonymous_id, '')", "'|'",
    "coalesce(user_id_as_sent, '')",
])) -%}

{%- set day_counts_query -%}
    {#- Days with more raw rows than classified ones (none in a healthy warehouse). Load times
        only: the warehouse reads one narrow column of each side. -#}
    with

    raw_days as (
        select
            event_source,
            {{ day_key }} as received_day,
            count(*) as raw_row_count
        from (
            select
                'track' as event_source,
                received_at
            from {{ ref('stg_cdp__tracks') }}
            union all
            select
                'page' as event_source,
                received_at
            from {{ ref('stg_cdp__pages') }}
        ) as raw_load_times
        group by
            event_source,
            {{ day_key }}
    ),

    classified_days as (
        select
            event_source,
            {{ day_key }} as received_day,
            count(*) as classified_row_count
        from {{ ref('int_event_rows_classified') }}
        group by
            event_source,
            {{ day_key }}
    )

    select
        raw_days.event_source,
        raw_days.received_day
    from raw_days
    left join classified_days
        on
            raw_days.event_source = classified_days.event_source
            and raw_days.received_day = classified_days.received_day
    where raw_days.raw_row_count > coalesce(classified_days.classified_row_count, 0)
{%- endset -%}
{%- set differing_days = {'track': [], 'page': []} -%}
{#- Only when the relations exist: a linter or `dbt compile` on an empty warehouse gets `false`. -#}
{%- if execute and model.resource_type == 'model'
    and load_relation(ref('int_event_rows_classified')) is not none -%}
    {%- for row in run_query(day_counts_query).rows -%}
        {%- do differing_days[row[0]].append("'" ~ (row[1] | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
{%- endif -%}
{#- A row-level branch reads only the rows of its table's differing days: none, `false`. -#}
{%- set on_differing_day = {} -%}
{%- for event_source, days in differing_days.items() -%}
    {%- do on_differing_day.update({event_source: (
        day_key ~ ' in (' ~ days | join(', ') ~ ')' if days else 'false'
    )}) -%}
{%- endfor %}

with

tracks as (
    select * from {{ ref('stg_cdp__tracks') }}
),

pages as (
    select * from {{ ref('stg_cdp__pages') }}
),

classified as (
    select * from {{ ref('int_event_rows_classified') }}
),

both_sides as (
    {#- Only the rows of the differing days are compared. Each raw row counts +1, each
        classified row -1: a key whose sum stays above 0 has raw rows never classified. #}
    select
        'track' as event_source,
        message_id as raw_message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        timestamp_as_sent,
        received_at,
        1 as raw_minus_classified
    from tracks
    where {{ on_differing_day['track'] }}

    union all

    select
        'page' as event_source,
        message_id as raw_message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        timestamp_as_sent,
        received_at,
        1 as raw_minus_classified
    from pages
    where {{ on_differing_day['page'] }}

    union all

    select
        event_source,
        {#- A row without a message id was given a key made from its content. #}
        case when rejection_reason = 'missing_message_id' then null else message_id end
            as raw_message_id,
        anonymous_id,
        user_id_as_sent,
        timestamp_as_sent,
        received_at,
        -1 as raw_minus_classified
    from classified
    where
        (event_source = 'track' and {{ on_differing_day['track'] }})
        or (event_source = 'page' and {{ on_differing_day['page'] }})
),

final as (
    select
        {{ row_key }} as missed_row_key,
        case event_source when 'track' then 'tracks' else 'pages' end as raw_table,
        event_source,
        raw_message_id as message_id,
        received_at,
        timestamp_as_sent,
        sum(raw_minus_classified) as missed_row_count
    from both_sides
    group by
        event_source,
        raw_message_id,
        received_at,
        timestamp_as_sent,
        anonymous_id,
        user_id_as_sent
    having sum(raw_minus_classified) > 0
)

select * from final
