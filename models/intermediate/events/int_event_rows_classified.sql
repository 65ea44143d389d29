{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key='event_row_id',
        on_schema_change='fail',
        meta={'test_window_column': 'received_at'},
    )
}}
{#- Every raw track and page row, classified: clean, or rejected with a reason.
      missing_message_id     no message id (a key is made from the row's content);
      missing_identity       neither user_id nor anonymous_id;
      missing_load_time      received_at is missing or does not parse;
      implausible_load_time  received_at is before pql_earliest_plausible_load_time;
      future_load_time       received_at is more than pql_future_tolerance_hours after the
                             start of the run (run_started_at);
      unparseable_timestamp  the client's time is missing or does not parse;
      implausible_timestamp  the client's time is before pql_earliest_plausible_load_time
                             (year 1, 'epoch', '-infinity': a reset clock);
      future_timestamp       the client's time is more than pql_future_tolerance_hours after
                             the load time (client clock skew);
      missing_event_name     the event name is empty once normalised;
      duplicate_message_id   an earlier usable row with the same message id was kept.
    The rows of a message id are numbered in load order (received_at, then event time, then
    content); the first usable one is kept. A row's number and reason depend only on the rows
    loaded before it, so a stored row never changes: an incremental run parses only the rows
    loaded since the watermark (less the lookback) and numbers them after what is stored for their
    message ids. The stored rows of that window come back with the same numbers or, when a row
    committed late ranks before them, with higher ones; either way the new row ids cover every
    stored row of the window, so delete+insert on event_row_id replaces exactly the window.
    Load times pql cannot believe never enter a watermark (incremental_since counts plausible
    load times only), and:
    - rows with a missing or implausible load time come last in their message id's load order
      and are read again on every run (they are few), so each is classified exactly once, with
      the same number as on a full refresh;
    - a future_load_time row sorts after every plausible row and stays inside every window until
      the run time catches up with it; that run classifies it again as a full refresh would
      (clean, or a duplicate of a row kept before it).
    Memory: the stream is read in one pass and written as it is classified. The wide rows are
    never stored whole (cte_not_materialized: the two branches of `ranked` each parse the raw
    rows, measured no slower than storing them; docs/running.md), only message ids seen more
    than once are ranked,
    and there is no final sort: an incremental run appends its window, so the table stays in
    load order as the raw tables are, and later reads of the latest rows (here and in the clean
    stream) still skip most of the table. -#}
{#- The beginning of time on a full build: every row is read. -#}
{%- set loaded_since = incremental_since('received_at') -%}
{%- set tolerance_hours = var('pql_future_tolerance_hours') | int -%}
{%- set latest_plausible_time = dbt.dateadd('hour', tolerance_hours, 'received_at') -%}
{%- set earliest_time = earliest_plausible_time() -%}
{%- set load_order -%}
    partition by message_id
    order by
        is_load_time_unusable, received_at, occurred_at, event_source, event_name, properties_json, page_path,
        page_host, page_query,
        anonymous_id, user_id_as_sent, account_id, timestamp_as_sent, event_name_as_sent
{%- endset -%}

with

tracks as (
    select * from {{ ref('stg_cdp__tracks') }}
),

pages as (
    select * from {{ ref('stg_cdp__pages') }}
),

unioned as {{ cte_not_materialized() }} (
    select
        'track' as event_source,
        message_id,
        anonymous_id,
        user_id as user_id_as_sent,
        context_group_id as account_id,
        event_name,
        event_name_as_sent,
        {{ dbt.cast('null', dbt.type_string()) }} as page_path,
        {{ dbt.cast('null', dbt.type_string()) }} as page_host,
        {{ dbt.cast('null', dbt.type_string()) }} as page_query,
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
        {{ url_host('page_url') }} as page_host,
        {{ url_query('page_url') }} as page_query,
        {{ dbt.cast('null', dbt.type_string()) }} as properties_json,
        false as is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_timestamp_unparseable,
        is_missing_identity
    from pages
),

keyed as {{ cte_not_materialized() }} (
    select
        coalesce(
            message_id,
            {{ dbt.concat(["'missing:'", dbt.hash(dbt.concat([
                "coalesce(anonymous_id, '')", "'|'",
                "coalesce(user_id_as_sent, '')", "'|'",
                "coalesce(timestamp_as_sent, '')", "'|'",
                "coalesce(" ~ dbt.cast('received_at', dbt.type_string()) ~ ", '')"
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
        page_host,
        page_query,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_timestamp_unparseable,
        is_missing_identity,
        {#- Read on every run and numbered after the rows with a believable load time. #}
        coalesce(received_at < {{ earliest_time }}, true) as is_load_time_unusable
    from unioned
),

flagged as {{ cte_not_materialized() }} (
    select
        message_id,
        event_source,
        anonymous_id,
        user_id_as_sent,
        account_id,
        event_name,
        event_name_as_sent,
        page_path,
        page_host,
        page_query,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        is_load_time_unusable,
        case
            when is_message_id_missing then 'missing_message_id'
            when is_missing_identity then 'missing_identity'
            when received_at is null then 'missing_load_time'
            when received_at < {{ earliest_time }} then 'implausible_load_time'
            when received_at > {{ latest_plausible_load_time() }} then 'future_load_time'
            when is_timestamp_unparseable then 'unparseable_timestamp'
            when occurred_at < {{ earliest_time }} then 'implausible_timestamp'
            when occurred_at > {{ latest_plausible_time }} then 'future_timestamp'
            when event_name is null then 'missing_event_name'
        end as quality_issue
    from keyed
    {% if is_incremental() -%}
        where received_at > {{ loaded_since }} or is_load_time_unusable
    {%- endif %}
),

{% if is_incremental() %}
    earlier_rows as (
        {#- What the rows loaded before the window settled for the touched message ids. -#}
        select
            message_id,
            count(*) as earlier_row_count,
            {{ dbt.bool_or('rejection_reason is null') }} as has_earlier_kept_row
        from {{ this }}
        where
            received_at <= {{ loaded_since }}
            {#- Rows with an unusable load time are in the window again. #}
            and received_at >= {{ earliest_time }}
            and message_id in (select flagged.message_id from flagged)
        group by message_id
    ),
{% else %}
    earlier_rows as (
        {#- On a full build every row is in the window: nothing was loaded before it. -#}
        select
            message_id,
            {{ dbt.cast('0', dbt.type_bigint()) }} as earlier_row_count,
            false as has_earlier_kept_row
        from flagged
        where false
    ),
{% endif %}

repeated_message_ids as (
    {#- Most message ids come once; only the others need ranking. -#}
    select message_id
    from flagged
    group by message_id
    having count(*) > 1
),

ranked as (
    select
        *,
        1 as load_rank,
        case when quality_issue is null then 1 else 0 end as usable_rows_so_far
    from flagged
    where
        not exists (
            select 1
            from repeated_message_ids
            where repeated_message_ids.message_id = flagged.message_id
        )

    union all

    select
        *,
        row_number() over ({{ load_order }}) as load_rank,
        sum(case when quality_issue is null then 1 else 0 end) over (
            {{ load_order }} rows between unbounded preceding and current row
        ) as usable_rows_so_far
    from flagged
    where exists (
        select 1
        from repeated_message_ids
        where repeated_message_ids.message_id = flagged.message_id
    )
),

numbered as (
    select
        ranked.*,
        coalesce(earlier_rows.earlier_row_count, 0) + ranked.load_rank as occurrence_number,
        coalesce(
            ranked.quality_issue,
            case
                when
                    ranked.usable_rows_so_far > 1 or earlier_rows.has_earlier_kept_row
                    then 'duplicate_message_id'
            end
        ) as rejection_reason
    from ranked
    left join earlier_rows
        on ranked.message_id = earlier_rows.message_id
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
        page_host,
        page_query,
        properties_json,
        is_properties_malformed,
        timestamp_as_sent,
        occurred_at,
        received_at,
        rejection_reason
    from numbered
)

select * from final
