{#- The one pass over the raw event tables that identity and account resolution need: every
    distinct pairing of anonymous id, user id and account seen on a message, with when it was
    first seen and first loaded. Rows with a bad timestamp still prove who was who, so they
    count here even though the clean stream rejects them. -#}
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
        (user_id is not null and anonymous_id is not null)
        or (context_group_id is not null and not is_missing_identity)

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
        (user_id is not null and anonymous_id is not null)
        or (context_group_id is not null and not is_missing_identity)

    union all

    select
        'identify' as observed_in,
        anonymous_id,
        user_id,
        null as account_id,
        occurred_at,
        received_at
    from identifies
    where user_id is not null

    union all

    select
        'group' as observed_in,
        anonymous_id,
        user_id,
        account_id,
        occurred_at,
        received_at
    from groups
    where account_id is not null and not is_missing_identity
),

final as (
    select
        observed_in,
        anonymous_id,
        user_id,
        account_id,
        min(occurred_at) as first_observed_at,
        min(received_at) as first_received_at,
        count(*) as observation_count
    from observations
    group by
        observed_in,
        anonymous_id,
        user_id,
        account_id
)

select * from final
