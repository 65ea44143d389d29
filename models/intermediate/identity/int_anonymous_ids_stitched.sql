{#- Identity stitching. An anonymous id belongs to the first user it was seen with in load order
    (smallest received_at; ties by event time, then user id). A later claim by another user (a
    shared device) never moves it: events that already carry a user id keep that user, and only
    anonymous-only events are attributed through this map. Because a mapping never changes once
    made, incremental models only have to pick up newly stitched ids.
    An anonymous id claimed by more than var pql_max_users_per_anonymous_id users is not
    trusted and never stitched (int_anonymous_ids_shared lists it). Placeholder ids (`null`,
    `anonymous`, ...) never get here: staging turns them into null. -#}
with

observed as (
    select * from {{ ref('int_identities_observed') }}
),

shared as (
    select * from {{ ref('int_anonymous_ids_shared') }}
),

claims as (
    select
        anonymous_id,
        user_id,
        min(first_observed_at) as first_claimed_at,
        min(first_received_at) as first_claim_received_at
    from observed
    where
        anonymous_id is not null
        and user_id is not null
        and anonymous_id not in (select shared.anonymous_id from shared)
    group by
        anonymous_id,
        user_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by anonymous_id
            order by first_claim_received_at, first_claimed_at, user_id
        ) as claim_rank,
        count(*) over (partition by anonymous_id) as claiming_user_count
    from claims
),

final as (
    select
        anonymous_id,
        user_id,
        first_claimed_at as stitched_at,
        first_claim_received_at as stitched_received_at,
        claiming_user_count,
        claiming_user_count > 1 as is_claimed_by_several_users
    from ranked
    where claim_rank = 1
)

select * from final
