-- Nothing lost (DESIGN.md principle 2): every raw track and page row is classified exactly once,
-- and the clean stream plus the rejected rows add up to the raw rows. Returns a row when not.
with

raw_rows as (
    select count(*) as row_count from {{ source('cdp', 'tracks') }}
    union all
    select count(*) as row_count from {{ source('cdp', 'pages') }}
),

raw_total as (
    select sum(row_count) as row_count from raw_rows
),

classified as (
    select count(*) as row_count from {{ ref('int_event_rows_classified') }}
),

clean as (
    select count(*) as row_count from {{ ref('int_events_deduplicated') }}
),

rejected as (
    select count(*) as row_count from {{ ref('int_events_rejected') }}
),

final as (
    select
        raw_total.row_count as raw_row_count,
        classified.row_count as classified_row_count,
        clean.row_count as clean_row_count,
        rejected.row_count as rejected_row_count
    from raw_total
    cross join classified
    cross join clean
    cross join rejected
)

select * from final
where
    coalesce(raw_row_count, 0) != classified_row_count
    or classified_row_count != clean_row_count + rejected_row_count
