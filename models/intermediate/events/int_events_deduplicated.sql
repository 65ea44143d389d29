{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_id',
        on_schema_change='fail',
    )
}}
{#- The clean event stream: tracks and pages in one shape, one row per message id, rejected rows
    left out (they are in int_events_rejected). user_id is the id the message carried, else the
    user its anonymous id is stitched to. account_id is the account the event happened in
    (context_group_id); an event without one is attributed to no account, because for a user in
    several workspaces any guess would be arbitrary and would move as links change.

    Incremental: the rows kept since the watermark (less the lookback), plus rows already here
    whose anonymous id has just been stitched (a late identify), which are re-resolved.
    `resolved_received_at` is when the row reached its current form, the watermark for this model
    and for the daily activity models. -#}
{#- The beginning of time on a full build: every row is read. -#}
{%- set kept_since = incremental_since('resolved_received_at') -%}

with

stitched as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

clean_rows as (
    {#- A message id's kept row never moves to a row loaded earlier, so the rows kept since the
        watermark are all an incremental run has to add or replace. -#}
    select
        message_id as event_id,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        page_path,
        page_host,
        page_query,
        properties_json,
        is_properties_malformed,
        occurred_at,
        received_at
    from {{ ref('int_event_rows_classified') }}
    where
        rejection_reason is null
        and received_at > {{ kept_since }}
),

{% if is_incremental() %}
    newly_stitched_rows as (
        select
            existing.event_id,
            existing.event_source,
            existing.anonymous_id,
            existing.user_id_as_sent,
            existing.account_id,
            existing.event_name,
            existing.page_path,
            existing.page_host,
            existing.page_query,
            existing.properties_json,
            existing.is_properties_malformed,
            existing.occurred_at,
            existing.received_at
        from {{ this }} as existing
        inner join stitched
            on existing.anonymous_id = stitched.anonymous_id
        where
            existing.user_id_as_sent is null
            and stitched.stitched_received_at > {{ kept_since }}
            {#- Rows loaded inside the window are in clean_rows already. #}
            and existing.received_at <= {{ kept_since }}
    ),

    candidates as (
        select * from clean_rows
        union all
        select * from newly_stitched_rows
    ),
{% else %}
    candidates as (
        select * from clean_rows
    ),
{% endif %}

final as (
    select
        candidates.event_id,
        candidates.event_source,
        candidates.event_name,
        candidates.occurred_at,
        {{ dbt.cast(dbt.date_trunc('day', 'candidates.occurred_at'), 'date') }} as occurred_date,
        candidates.received_at,
        coalesce(candidates.user_id_as_sent, stitched.user_id) as user_id,
        candidates.anonymous_id,
        candidates.user_id_as_sent,
        case
            when candidates.user_id_as_sent is not null then 'sent'
            when stitched.user_id is not null then 'stitched'
            else 'anonymous'
        end as user_id_source,
        candidates.account_id,
        candidates.page_path,
        candidates.page_host,
        candidates.page_query,
        candidates.properties_json,
        candidates.is_properties_malformed,
        case
            when candidates.user_id_as_sent is null and stitched.user_id is not null
                then greatest(candidates.received_at, stitched.stitched_received_at)
            else candidates.received_at
        end as resolved_received_at
    from candidates
    left join stitched
        on candidates.user_id_as_sent is null and candidates.anonymous_id = stitched.anonymous_id
)

{% if is_incremental() %}
    {#- Rows of the window stored already and unchanged are not written again. #}
    select * from final
    {{ dbt.except() }}
    select * from {{ this }}
    where received_at > {{ kept_since }}
{% else %}
    select * from final
{% endif %}
