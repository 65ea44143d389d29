{#- Conversion, defined once: per account and motion, the first revenue event that counts as a
    conversion of that motion (vars pql_conversion_events, pql_expansion_conversion_events).
    The threshold engine's eligibility, the funnels, the backtest, the reports and dim_accounts
    read it; ties at the same time go to the event type, then the source id, in name order. -#}
with

revenue_events as (
    select * from {{ ref('int_revenue_events') }}
),

final_ranked as (
    select
        account_id || '|' || motion as account_conversion_id,
        account_id,
        motion,
        occurred_at as converted_at,
        occurred_date as converted_date,
        event_type as converted_via,
        source_id as converted_source_id,
        row_number() over (
            partition by account_id, motion
            order by occurred_at, event_type, source_id
        ) as row_rank
    from revenue_events
    where is_conversion
),

final as (
    select
        account_conversion_id,
        account_id,
        motion,
        converted_at,
        converted_date,
        converted_via,
        converted_source_id
    from final_ranked
    where row_rank = 1
)

select * from final
