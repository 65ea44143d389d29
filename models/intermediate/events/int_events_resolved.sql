{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key='event_id',
        on_schema_change='fail',
        meta={'test_window_column': 'resolved_received_at'},
    )
}}
{#- The clean event stream: tracks and pages in one shape, one row per message id, rejected rows
    left out (they are in int_events_rejected). user_id is the id the message carried, else the
    user its anonymous id is stitched to.
    account_id is the account the event happened in (account_source):
      event_context   the event carried it as context_group_id;
      single_account  no context, and its user had exactly one account linked by the event's
                      time (int_user_account_evidence_collected), among the links known when
                      the event could first be attributed: the later of the event's own
                      resolution and the first load of such evidence. A link loaded later never
                      takes an attribution back, so a past state is never rewritten;
      ambiguous       no context, and several such links: left without an account, never guessed;
      no_account      no context and no such link (or no user).

    Incremental: the rows kept since the watermark (less the lookback), plus rows already here
    whose anonymous id has just been stitched (a late identify) or whose user has account-link
    evidence loaded since (a late group call or context event), which are re-resolved.
    `resolved_received_at` is when the row reached its current form (user and account), the
    watermark for this model and for the daily activity models. -#}
{#- The beginning of time on a full build: every row is read. -#}
{%- set kept_since = incremental_since('resolved_received_at') -%}
{#- What a row carries unchanged from its classification to its resolution. -#}
{%- set carried_columns = [
    'event_name', 'page_path', 'page_host', 'page_query', 'properties_json',
    'is_properties_malformed', 'occurred_at', 'received_at',
] -%}

with

stitched as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

account_evidence as (
    select * from {{ ref('int_user_account_evidence_collected') }}
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
        {{ carried_columns | join(',\n        ') }}
    from {{ ref('int_event_rows_classified') }}
    where
        rejection_reason is null
        and received_at > {{ kept_since }}
),

{% if is_incremental() %}
    stored_rows_read as (
        {#- Stored rows loaded before the window whose user or account may have changed: a
            late identify stitched their anonymous id, or their user has account-link evidence
            loaded since the watermark. Two semi-joins on the few keys that changed, not one scan
            testing both (an `or` of two lookups makes the warehouse read every stored row). #}
        select existing.*
        from {{ this }} as existing
        where
            existing.received_at <= {{ kept_since }}
            and existing.user_id_as_sent is null
            and existing.anonymous_id in (
                select stitched.anonymous_id from stitched
                where stitched.stitched_received_at > {{ kept_since }}
            )

        union

        select existing.*
        from {{ this }} as existing
        where
            existing.received_at <= {{ kept_since }}
            and existing.account_source != 'event_context'
            and existing.user_id in (
                select account_evidence.user_id from account_evidence
                where account_evidence.last_received_at > {{ kept_since }}
            )
    ),

    stored_rows_to_resolve as (
        {#- The account is re-derived from the context alone. #}
        select
            event_id,
            event_source,
            anonymous_id,
            user_id_as_sent,
            case when account_source = 'event_context' then account_id end as account_id,
            {{ carried_columns | join(',\n            ') }}
        from stored_rows_read
    ),

    candidates as (
        select * from clean_rows
        union all
        select * from stored_rows_to_resolve
    ),
{% else %}
    candidates as (
        select * from clean_rows
    ),
{% endif %}

resolved as (
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
),

applicable_links as (
    {#- For an event without context: each account its user had evidence for by the event's time,
        known from the later of the event's resolution and the first load of such evidence (each
        piece of evidence, e.g. a domain match loaded after a group call, keeps its own times). -#}
    select
        resolved.event_id,
        account_evidence.account_id,
        min(greatest(resolved.resolved_received_at, account_evidence.evidence_received_at))
            as known_at
    from resolved
    inner join account_evidence
        on
            resolved.user_id = account_evidence.user_id
            and resolved.occurred_at >= account_evidence.evidence_from
    where resolved.account_id is null
    group by
        resolved.event_id,
        account_evidence.account_id
),

first_known_links as (
    select
        event_id,
        account_id,
        known_at,
        min(known_at) over (partition by event_id) as first_known_at
    from applicable_links
),

attributions as (
    {#- The links known at the first moment any was known decide; later ones never change it. -#}
    select
        event_id,
        first_known_at as attributed_received_at,
        count(*) as known_account_count,
        min(account_id) as account_id
    from first_known_links
    where known_at = first_known_at
    group by
        event_id,
        first_known_at
),

final as (
    select
        resolved.event_id,
        resolved.event_source,
        resolved.event_name,
        resolved.occurred_at,
        resolved.occurred_date,
        resolved.received_at,
        resolved.user_id,
        resolved.anonymous_id,
        resolved.user_id_as_sent,
        resolved.user_id_source,
        case
            when resolved.account_id is not null then resolved.account_id
            when attributions.known_account_count = 1 then attributions.account_id
        end as account_id,
        case
            when resolved.account_id is not null then 'event_context'
            when attributions.known_account_count = 1 then 'single_account'
            when attributions.known_account_count > 1 then 'ambiguous'
            else 'no_account'
        end as account_source,
        resolved.page_path,
        resolved.page_host,
        resolved.page_query,
        resolved.properties_json,
        resolved.is_properties_malformed,
        coalesce(attributions.attributed_received_at, resolved.resolved_received_at)
            as resolved_received_at
    from resolved
    left join attributions
        on resolved.event_id = attributions.event_id
)

{% if is_incremental() %}
    {#- Rows of the window or re-resolved, stored already and unchanged, are not written again. #}
    select * from final
    {{ dbt.except() }}
    (
        select * from {{ this }}
        where received_at > {{ kept_since }}
        union all
        select * from stored_rows_read
    )
{% else %}
    select * from final
{% endif %}
