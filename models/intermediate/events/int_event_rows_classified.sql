{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='message_id',
        on_schema_change='fail',
    )
}}
{#- Every raw track and page row, classified: clean, or rejected with a reason.
      missing_message_id     no message id (a key is made from the row's content);
      missing_identity       neither user_id nor anonymous_id;
      unparseable_timestamp  the client's time is missing or does not parse;
      future_timestamp       the client's time is more than pql_future_tolerance_hours after
                             the load time (client clock skew);
      missing_event_name     the event name is empty once normalised;
      duplicate_message_id   another usable row with the same message id was kept: the first
                             loaded (received_at), then earliest event time, then payload.
    An incremental run classifies the rows loaded since the watermark (less the lookback) together
    with the rows already stored for the same message ids, so a late duplicate is judged against
    everything loaded before it, and only new raw rows are parsed. -#}
{%- set tolerance_hours = var('pql_future_tolerance_hours') | int -%}
{%- set latest_plausible_time = dbt.dateadd('hour', tolerance_hours, 'received_at') -%}

with

tracks as (
    select * from {{ ref('stg_cdp__tracks') }}
),

pages as (
    select * from {{ ref('stg_cdp__pages') }}
),

unioned as (
    select
        'track' as event_source,
        message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        context_group_id as account_id,
        event_name,
        event_name_as_sent,
        {{ dbt.cast('null', dbt.type_string()) }} as page_path,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_timestamp_unparseable,
        is_missing_identity
    from tracks

    union all

    select
        'page' as event_source,
        message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        context_group_id as account_id,
        'page_viewed' as event_name,
        {{ dbt.cast('null', dbt.type_string()) }} as event_name_as_sent,
        page_path,
        {{ dbt.cast('null', dbt.type_string()) }} as properties_json,
        false as is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_timestamp_unparseable,
        is_missing_identity
    from pages
),

keyed as (
    select
        coalesce(
            message_id,
            {{ dbt.concat(["'missing:'", dbt.hash(dbt.concat([
                "coalesce(anonymous_id, '')", "'|'",
                "coalesce(user_id_as_sent, '')", "'|'",
                "coalesce(timestamp_as_sent, '')", "'|'",
                dbt.cast('received_at', dbt.type_string())
            ]))]) }}
        ) as message_id,
        message_id is null as is_message_id_missing,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        event_name_as_sent,
        page_path,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_timestamp_unparseable,
        is_missing_identity
    from unioned
),

flagged as (
    select
        message_id,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        event_name_as_sent,
        page_path,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        case
            when is_message_id_missing then 'missing_message_id'
            when is_missing_identity then 'missing_identity'
            when is_timestamp_unparseable then 'unparseable_timestamp'
            when occurred_at > {{ latest_plausible_time }} then 'future_timestamp'
            when event_name is null then 'missing_event_name'
        end as quality_issue
    from keyed
    {% if is_incremental() %}
        where received_at > {{ incremental_since('received_at') }}
    {% endif %}
),

{% if is_incremental() %}
    earlier_rows as (
        {#- Rows of the touched message ids loaded before the window, as already classified
            (a duplicate has no quality issue of its own: it only lost the ranking). -#}
        select
            message_id,
            event_source,
            anonymous_id,
            user_id_as_sent,
            account_id,
            event_name,
            event_name_as_sent,
            page_path,
            properties_json,
            is_properties_malformed,
            timestamp_as_sent,
            occurred_at,
            received_at,
            case
                when rejection_reason != 'duplicate_message_id' then rejection_reason
            end as quality_issue
        from {{ this }}
        where
            received_at <= {{ incremental_since('received_at') }}
            and message_id in (select flagged.message_id from flagged)
    ),

    candidates as (
        select * from flagged
        union all
        select * from earlier_rows
    ),
{% else %}
    candidates as (
        select * from flagged
    ),
{% endif %}

ranked as (
    select
        *,
        row_number() over (
            partition by message_id
            order by
                (quality_issue is not null),
                received_at,
                occurred_at,
                event_source,
                event_name,
                properties_json,
                page_path
        ) as occurrence_number
    from candidates
),

final as (
    select
        {{ dbt.hash(dbt.concat(['message_id', "'|'", dbt.cast('occurrence_number', dbt.type_string())])) }}
            as event_row_id,
        message_id,
        occurrence_number,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        event_name_as_sent,
        page_path,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        coalesce(
            quality_issue,
            case when occurrence_number > 1 then 'duplicate_message_id' end
        ) as rejection_reason
    from ranked
)

select * from final
