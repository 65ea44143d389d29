{#- Every piece of evidence that a user belongs to an account, one row per user, account,
    method and load step, so each keeps its own start and load time (the bridge,
    int_user_accounts_linked, folds them into one link per user and account):
      explicit       group calls that put the user in the account;
      event_context  the user's events that carried the account as context_group_id;
      domain         the user's work-email domain is the domain of the account owning it
                     (personal domains never count; when several accounts share the domain, the
                     one seen first owns it).
    evidence_from is the earliest event time of the evidence known at evidence_received_at
    (for a domain, the user's earliest appearance known then, and not before an identify with
    the user's email domain and a group call with the account's domain had both been loaded);
    last_received_at its latest load. The first load is one step; a later load that moved the
    start back (a message that arrived days after it happened) is another, so the stream never
    dates an event's attribution to a load that could not have covered it. An event at time t
    is covered from the earliest evidence_received_at whose evidence_from is at or before t.
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

identifies as (
    select * from {{ ref('stg_cdp__identifies') }}
),

groups as (
    select * from {{ ref('stg_cdp__groups') }}
),

observed_links as (
    select
        coalesce(observed.user_id, stitched.user_id) as user_id,
        observed.account_id,
        case when observed.observed_in = 'group' then 1 else 2 end as method_priority,
        observed.first_observed_at as evidence_from,
        case
            when observed.user_id is null
                then greatest(observed.first_received_at, stitched.stitched_received_at)
            else observed.first_received_at
        end as evidence_received_at,
        case
            when observed.user_id is null
                then greatest(observed.last_received_at, stitched.stitched_received_at)
            else observed.last_received_at
        end as last_received_at
    from observed
    left join stitched
        on observed.user_id is null and observed.anonymous_id = stitched.anonymous_id
    where observed.account_id is not null
),

domain_owners_ranked as (
    select
        account_domain,
        account_id,
        row_number() over (
            partition by account_domain order by first_observed_at, account_id
        ) as row_rank
    from accounts
    where account_domain is not null
),

domain_owners as (
    select
        account_domain,
        account_id
    from domain_owners_ranked
    where row_rank = 1
),

email_domains_loaded as (
    select
        user_id,
        email_domain,
        min(received_at) as first_received_at
    from identifies
    where user_id is not null and email_domain is not null
    group by
        user_id,
        email_domain
),

account_domains_loaded as (
    select
        account_id,
        account_domain,
        min(received_at) as first_received_at
    from groups
    where account_id is not null and account_domain is not null
    group by
        account_id,
        account_domain
),

user_appearances as (
    {#- The load steps of the user's own appearances (users.first_observed_at is their
        earliest); a domain match covers the user's events from each. -#}
    select
        user_id,
        first_observed_at,
        first_received_at
    from observed
    where user_id is not null
),

domain_links as (
    select
        users.user_id,
        domain_owners.account_id,
        3 as method_priority,
        user_appearances.first_observed_at as evidence_from,
        greatest(
            user_appearances.first_received_at,
            email_domains_loaded.first_received_at,
            account_domains_loaded.first_received_at
        ) as evidence_received_at
    from users
    inner join user_appearances
        on users.user_id = user_appearances.user_id
    inner join domain_owners
        on users.email_domain = domain_owners.account_domain
    inner join email_domains_loaded
        on
            users.user_id = email_domains_loaded.user_id
            and users.email_domain = email_domains_loaded.email_domain
    inner join account_domains_loaded
        on
            domain_owners.account_id = account_domains_loaded.account_id
            and domain_owners.account_domain = account_domains_loaded.account_domain
    where not users.is_personal_email
),

all_evidence as (
    select
        user_id,
        account_id,
        method_priority,
        evidence_from,
        evidence_received_at,
        last_received_at
    from observed_links
    where user_id is not null
    union all
    select
        user_id,
        account_id,
        method_priority,
        evidence_from,
        evidence_received_at,
        {#- Domain evidence is one observation per step: its latest step is its last load. #}
        evidence_received_at as last_received_at
    from domain_links
),

in_load_order as (
    select
        user_id,
        account_id,
        method_priority,
        evidence_from,
        evidence_received_at,
        {{ load_step_windows(
            'user_id, account_id, method_priority', 'evidence_from', 'evidence_received_at'
        ) }},
        max(last_received_at) over (partition by user_id, account_id, method_priority)
            as last_received_at
    from all_evidence
),

evidence as (
    {#- The steps: the first load, and each load that moved the start back. -#}
    select
        user_id,
        account_id,
        method_priority,
        evidence_from,
        evidence_received_at,
        last_received_at
    from in_load_order
    where {{ is_load_step('evidence_from') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'user_id', "'|'", 'account_id', "'|'", dbt.cast('method_priority', dbt.type_string()),
            "'|'", dbt.cast('evidence_received_at', dbt.type_string()),
        ])) }}
            as evidence_id,
        user_id,
        account_id,
        case method_priority
            when 1 then 'explicit'
            when 2 then 'event_context'
            else 'domain'
        end as link_method,
        method_priority,
        evidence_from,
        evidence_received_at,
        last_received_at
    from evidence
)

select * from final
