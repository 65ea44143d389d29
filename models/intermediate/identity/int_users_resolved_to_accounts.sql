{#- One row per user with their primary account: the best-evidenced link (explicit, then
    event_context, then domain), the earliest within a method, account id as the last tie-break.
    A user with no link is `unmatched`; the bridge keeps every other account the user is in. -#}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

ranked_links as (
    select
        user_id,
        account_id,
        link_method,
        first_linked_at,
        row_number() over (
            partition by user_id order by method_priority, first_linked_at, account_id
        ) as link_rank,
        count(*) over (partition by user_id) as linked_account_count
    from links
),

final as (
    select
        users.user_id,
        ranked_links.account_id as primary_account_id,
        coalesce(ranked_links.link_method, 'unmatched') as account_match_method,
        ranked_links.first_linked_at as primary_account_linked_at,
        coalesce(ranked_links.linked_account_count, 0) as linked_account_count
    from users
    left join ranked_links
        on users.user_id = ranked_links.user_id and ranked_links.link_rank = 1
)

select * from final
