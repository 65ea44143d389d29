{#- The user-to-account bridge: a user in several workspaces has several rows, never collapsed.
    Each link records how it was made:
      explicit       a group call put the user in the account;
      event_context  the user's events carried the account as context_group_id;
      domain         the user has no explicit or event link, and their work-email domain is an
                     account's domain (personal domains never link; when several accounts share
                     the domain, the one seen first takes the user).
    Anonymous-only observations count for the user their anonymous id is stitched to. -#}
with

observed as (
    select * from {{ ref('int_identities_observed') }}
),

stitched as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

observed_links as (
    select
        coalesce(observed.user_id, stitched.user_id) as user_id,
        observed.account_id,
        case when observed.observed_in = 'group' then 1 else 2 end as method_priority,
        observed.first_observed_at,
        case
            when observed.user_id is null
                then greatest(observed.first_received_at, stitched.stitched_received_at)
            else observed.first_received_at
        end as first_received_at
    from observed
    left join stitched
        on observed.user_id is null and observed.anonymous_id = stitched.anonymous_id
    where observed.account_id is not null
),

best_observed_links as (
    select
        user_id,
        account_id,
        min(method_priority) as method_priority,
        min(first_observed_at) as first_linked_at,
        min(first_received_at) as first_linked_received_at
    from observed_links
    where user_id is not null
    group by
        user_id,
        account_id
),

domain_owners as (
    select
        account_domain,
        account_id,
        first_observed_at,
        first_received_at
    from accounts
    where account_domain is not null
    qualify row_number() over (
        partition by account_domain order by first_observed_at, account_id
    ) = 1
),

domain_links as (
    select
        users.user_id,
        domain_owners.account_id,
        3 as method_priority,
        users.first_observed_at as first_linked_at,
        greatest(users.first_received_at, domain_owners.first_received_at) as first_linked_received_at
    from users
    inner join domain_owners
        on users.email_domain = domain_owners.account_domain
    where
        not users.is_personal_email
        and users.user_id not in (select best_observed_links.user_id from best_observed_links)
),

links as (
    select * from best_observed_links
    union all
    select * from domain_links
),

final as (
    select
        {{ dbt.hash(dbt.concat(['user_id', "'|'", 'account_id'])) }} as user_account_id,
        user_id,
        account_id,
        case method_priority
            when 1 then 'explicit'
            when 2 then 'event_context'
            else 'domain'
        end as link_method,
        method_priority,
        first_linked_at,
        first_linked_received_at
    from links
)

select * from final
