{#- The revenue events of int_revenue_events (paid starts, reactivations, MRR increases, CRM
    opportunities), with explicit types for tools outside dbt. Conversion is defined there. -#}
with

revenue_events as (
    select * from {{ ref('int_revenue_events') }}
),

final as (
    select
        revenue_event_id,
        account_id,
        motion,
        event_type,
        source_id,
        occurred_at,
        occurred_date,
        is_conversion
    from revenue_events
)

select * from final
