{#- How the clean stream's events found their account: one row per account_source, so how many
    events stayed unattributed (ambiguous: several accounts; no_account: none) is one query. -#}
with

events as (
    select * from {{ ref('int_events_resolved') }}
),

counted as (
    select
        account_source,
        count(*) as event_count,
        count(distinct user_id) as user_count,
        count(distinct account_id) as account_count
    from events
    group by account_source
),

final as (
    select
        account_source,
        account_source in ('event_context', 'single_account') as is_attributed,
        event_count,
        user_count,
        account_count,
        {{ dbt.cast('event_count', dbt.type_float()) }}
        / sum(event_count) over () as event_share
    from counted
)

select * from final
