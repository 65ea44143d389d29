{{ config(materialized='view') }}
{#- A view over the classified rows, so it is exactly as current as they are, incremental runs
    included; it stores nothing twice. -#}
with

classified as (
    select * from {{ ref('int_event_rows_classified') }}
),

final as (
    select
        event_row_id,
        message_id,
        occurrence_number,
        rejection_reason,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        event_name_as_sent,
        page_path,
        properties_json,
        timestamp_as_sent,
        occurred_at,
        received_at
    from classified
    where rejection_reason is not null
)

select * from final
