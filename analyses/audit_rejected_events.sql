-- Audit: rejected raw event rows per load day and reason, with an example message id each, so a
-- data engineer can see when a source started sending bad rows and look one up.
with

rejected as (
    select * from {{ ref('int_events_rejected') }}
),

final as (
    select
        rejection_reason,
        event_source,
        {{ dbt.cast(dbt.date_trunc('day', 'received_at'), 'date') }} as received_date,
        count(*) as rejected_row_count,
        min(message_id) as example_message_id
    from rejected
    group by
        rejection_reason,
        event_source,
        {{ dbt.cast(dbt.date_trunc('day', 'received_at'), 'date') }}
)

select * from final
order by received_date desc, rejected_row_count desc
