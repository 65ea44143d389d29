-- Nothing lost (docs/design.md #2): every raw track and page row is classified exactly once
-- or listed as missed by the lookback (int_event_rows_missed_by_lookback, which warns with its
-- own test and the fix), and the clean stream plus the rejected rows add up to the classified
-- rows. Returns one row per raw table whose counts do not reconcile, with the counts and a
-- message naming what differs.
with

raw_rows as (
    select
        'tracks' as raw_table,
        'track' as event_source,
        count(*) as row_count
    from {{ source('cdp', 'tracks') }}

    union all

    select
        'pages' as raw_table,
        'page' as event_source,
        count(*) as row_count
    from {{ source('cdp', 'pages') }}
),

classified as (
    select
        event_source,
        count(*) as row_count
    from {{ ref('int_event_rows_classified') }}
    group by event_source
),

clean as (
    select
        event_source,
        count(*) as row_count
    from {{ ref('int_events_resolved') }}
    group by event_source
),

rejected as (
    select
        event_source,
        count(*) as row_count
    from {{ ref('int_events_rejected') }}
    group by event_source
),

missed as (
    select
        event_source,
        sum(missed_row_count) as row_count
    from {{ ref('int_event_rows_missed_by_lookback') }}
    group by event_source
),

counted as (
    select
        raw_rows.raw_table,
        raw_rows.row_count as raw_row_count,
        coalesce(classified.row_count, 0) as classified_row_count,
        coalesce(clean.row_count, 0) as clean_row_count,
        coalesce(rejected.row_count, 0) as rejected_row_count,
        coalesce(missed.row_count, 0) as missed_row_count
    from raw_rows
    left join classified
        on raw_rows.event_source = classified.event_source
    left join clean
        on raw_rows.event_source = clean.event_source
    left join rejected
        on raw_rows.event_source = rejected.event_source
    left join missed
        on raw_rows.event_source = missed.event_source
),

final as (
    select
        raw_table,
        raw_row_count,
        classified_row_count,
        clean_row_count,
        rejected_row_count,
        missed_row_count,
        case
            when raw_row_count != classified_row_count + missed_row_count
                then {{ dbt.concat([
                    "'raw '", 'raw_table', "' has '", dbt.cast('raw_row_count', dbt.type_string()),
                    "' rows but '", dbt.cast('classified_row_count', dbt.type_string()),
                    "' are classified (int_event_rows_classified) and '",
                    dbt.cast('missed_row_count', dbt.type_string()),
                    "' listed as missed by the lookback (int_event_rows_missed_by_lookback)'",
                ]) }}
            else {{ dbt.concat([
                "'raw '", 'raw_table', "' has '", dbt.cast('classified_row_count', dbt.type_string()),
                "' classified rows but '", dbt.cast('clean_row_count', dbt.type_string()),
                "' clean (int_events_resolved) + '", dbt.cast('rejected_row_count', dbt.type_string()),
                "' rejected (int_events_rejected)'",
            ]) }}
        end as message
    from counted
)

select * from final
where
    raw_row_count != classified_row_count + missed_row_count
    or classified_row_count != clean_row_count + rejected_row_count
