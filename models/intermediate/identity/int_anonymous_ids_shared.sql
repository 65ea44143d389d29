{#- Anonymous ids seen with implausibly many users: more than var
    pql_max_users_per_anonymous_id distinct user ids. A real device or browser is shared by a
    few people at most; an id claimed by more is an SDK bug or a placeholder that slipped past
    seeds/placeholder_identity_values.csv (a constant like "device-1"). Such an id is flagged
    here and never stitched (int_anonymous_ids_stitched leaves it out), so its anonymous-only
    events stay unattributed instead of being pinned on one arbitrary user. -#}
{%- set max_users = validated_var('pql_max_users_per_anonymous_id') -%}
with

observed as (
    select * from {{ ref('int_identities_observed') }}
),

claims as (
    select
        anonymous_id,
        count(distinct user_id) as claiming_user_count,
        min(first_observed_at) as first_claimed_at,
        min(first_received_at) as first_claim_received_at,
        max(last_received_at) as last_claim_received_at
    from observed
    where anonymous_id is not null and user_id is not null
    group by anonymous_id
),

final as (
    select
        anonymous_id,
        claiming_user_count,
        {{ max_users }} as max_users_per_anonymous_id,
        first_claimed_at,
        first_claim_received_at,
        last_claim_received_at
    from claims
    where claiming_user_count > {{ max_users }}
)

select * from final
