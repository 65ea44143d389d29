{#- Raw track and page rows that int_event_rows_classified never read: loaded after a run with a
    received_at older than that run's watermark less pql_lookback_days, so no incremental run
    will ever look at them. Fix: `dbt build --full-refresh --select int_event_rows_classified+`,
    or raise pql_lookback_days to cover how late the loader commits.
    Cost: the raw and classified rows are counted per table and received_at day first (one scan
    of each, load times only); only rows of the days whose counts differ are compared row by
    row, so a healthy warehouse pays two narrow scans and a small aggregate per build. Rows are
    matched by content (table, message id, load time, client time, ids) and by count, so
    identical raw copies are matched one for one. A table, so the warn test and its message read it cheaply. -#}
{%- set day_key = "coalesce(" ~ dbt.cast(dbt.cast('received_at', 'date'), dbt.type_string()) ~ ", 'none')" -%}
{%- set row_key = dbt.hash(dbt.concat([
    'event_source', "'|'",
    "coalesce(raw_message_id, '')", "'|'",
    "coalesce(" ~ dbt.cast('received_at', dbt.type_string()) ~ ", '')", "'|'",
    "coalesce(timestamp_as_sent, '')", "'|'",
    "coalesce(anonymous_id, '')", "'|'",
    "coalesce(user_id_as_sent, '')",
])) -%}

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

raw_rows as (
    select
        'track' as event_source,
        message_id as raw_message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        timestamp_as_sent,
        received_at
    from tracks

    union all

    select
        'page' as event_source,
        message_id as raw_message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        timestamp_as_sent,
        received_at
    from pages
),

classified_rows as (
    select
        event_source,
        {#- A row without a message id was given a key made from its content. #}
        case when rejection_reason = 'missing_message_id' then null else message_id end
            as raw_message_id,
        anonymous_id,
        user_id_as_sent,
        timestamp_as_sent,
        received_at
    from classified
),

both_sides as (
    {#- Each raw row counts +1, each classified row -1: a key whose sum stays above 0 has raw
        rows that were never classified. #}
    select
        *,
        1 as raw_minus_classified
    from raw_rows

    union all

    select
        *,
        -1 as raw_minus_classified
    from classified_rows
),

keyed as (
    select
        *,
        {{ day_key }} as received_day
    from both_sides
),

differing_days as (
    select
        event_source,
        received_day
    from keyed
    group by event_source, received_day
    having sum(raw_minus_classified) > 0
),

rows_of_differing_days as (
    select *
    from keyed
    where exists (
        select 1
        from differing_days
        where
            differing_days.event_source = keyed.event_source
            and differing_days.received_day = keyed.received_day
    )
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
    from rows_of_differing_days
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
