{{
    config(
        materialized='incremental',
        incremental_strategy=pql_incremental_strategy(),
        unique_key='observation_key',
        on_schema_change='fail',
    )
}}
{#- The one pass over the raw event tables that identity and account resolution need: every
    distinct pairing of anonymous id, user id and account seen on a message, with when it was
    first seen and first loaded. Rows with a bad timestamp still prove who was who, so they
    count here even though the clean stream rejects them.
    A pairing has one row per load step: its first load, then each later load that moved its
    earliest event time back (a message that arrived days after it happened). Each row says
    from when (first_observed_at) the pairing was known to hold as of that load
    (first_received_at), so a late message never dates an old load as having known about an
    earlier start: an event at time t is covered from the first step whose first_observed_at
    is at or before t. Consumers that want one row per pairing take min/max over the steps.
    Incremental: only rows loaded since the watermark (less the lookback) are read and merged
    with the stored steps of their pairings; the steps of a set of messages are the steps of
    the stored steps plus the new messages, so re-reading the lookback changes nothing and the
    result equals a full refresh.
    Rows whose load time pql cannot believe (missing, before pql_earliest_plausible_load_time, or
    after the run start plus pql_future_tolerance_hours; is_plausible_load_time) are left out:
    their received_at would become a stitch's or a link's load time, which the clean stream and
    the daily models use as their watermark, so one 2099 identify would hide every later stitch.
    Track and page rows of that kind are rejected with their reason in int_events_rejected; a
    future one is observed by the first run whose time has caught up with it (it stays above
    the watermark until then), as a full refresh at that time would. -#}
{#- The beginning of time on a full build: every row is read. -#}
{%- set loaded_since = incremental_since('last_received_at') -%}
{%- set plausible = is_plausible_load_time('received_at') -%}

with

tracks as (
    select * from {{ ref('stg_cdp__tracks') }}
),

pages as (
    select * from {{ ref('stg_cdp__pages') }}
),

identifies as (
    select * from {{ ref('stg_cdp__identifies') }}
),

groups as (
    select * from {{ ref('stg_cdp__groups') }}
),

observations as (
    select
        'track' as observed_in,
        anonymous_id,
        user_id,
        context_group_id as account_id,
        occurred_at,
        received_at
    from tracks
    where
        (
            (user_id is not null and anonymous_id is not null)
            or (context_group_id is not null and not is_missing_identity)
        )
        and received_at > {{ loaded_since }}
        and {{ plausible }}

    union all

    select
        'page' as observed_in,
        anonymous_id,
        user_id,
        context_group_id as account_id,
        occurred_at,
        received_at
    from pages
    where
        (
            (user_id is not null and anonymous_id is not null)
            or (context_group_id is not null and not is_missing_identity)
        )
        and received_at > {{ loaded_since }}
        and {{ plausible }}

    union all

    select
        'identify' as observed_in,
        anonymous_id,
        user_id,
        null as account_id,
        occurred_at,
        received_at
    from identifies
    where
        user_id is not null
        and received_at > {{ loaded_since }}
        and {{ plausible }}

    union all

    select
        'group' as observed_in,
        anonymous_id,
        user_id,
        account_id,
        occurred_at,
        received_at
    from groups
    where
        account_id is not null and not is_missing_identity
        and received_at > {{ loaded_since }}
        and {{ plausible }}
),

keyed as (
    select
        {{ dbt.hash(dbt.concat([
            'observed_in', "'|'", "coalesce(anonymous_id, '')", "'|'",
            "coalesce(user_id, '')", "'|'", "coalesce(account_id, '')",
        ])) }} as observation_key,
        observed_in,
        anonymous_id,
        user_id,
        account_id,
        {#- An event time before pql_earliest_plausible_load_time (year 1, 'epoch') proves who was
            who but not when: it counts like an unparseable one. #}
        case when occurred_at >= {{ earliest_plausible_time() }} then occurred_at end
            as observed_at,
        received_at,
        received_at as last_received_at
    from observations
),

{% if is_incremental() %}
    merged as (
        select * from keyed
        union all
        select
            observation_key,
            observed_in,
            anonymous_id,
            user_id,
            account_id,
            first_observed_at as observed_at,
            first_received_at as received_at,
            last_received_at
        from {{ this }}
        where observation_key in (select keyed.observation_key from keyed)
    ),
{% else %}
    merged as (
        select * from keyed
    ),
{% endif %}

in_load_order as (
    select
        observation_key,
        observed_in,
        anonymous_id,
        user_id,
        account_id,
        observed_at,
        received_at,
        {{ load_step_windows('observation_key', 'observed_at', 'received_at') }},
        max(last_received_at) over (partition by observation_key) as last_received_at
    from merged
),

final as (
    {#- A step: the first load, or a load whose event time is earlier than any loaded before. #}
    select
        observation_key,
        observed_in,
        anonymous_id,
        user_id,
        account_id,
        observed_at as first_observed_at,
        received_at as first_received_at,
        last_received_at
    from in_load_order
    where {{ is_load_step('observed_at') }}
)

select * from final
