with

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

user_activity as (
    select * from {{ ref('int_user_activity_daily') }}
),

current_subscription as (
    {#- The account's subscription that matters now: a paying one first, then the most recently
        started, then the most recently updated. -#}
    select
        account_id,
        plan,
        subscription_status,
        mrr,
        is_paid_plan and subscription_status in ('active', 'past_due') as is_paying
    from subscriptions
    where is_current_version and account_id is not null
    qualify row_number() over (
        partition by account_id
        order by
            (is_paid_plan and subscription_status in ('active', 'past_due')) desc,
            started_at desc,
            updated_at desc,
            subscription_id asc
    ) = 1
),

first_paid as (
    {#- When the account first became paying: the first paid, paying version was written then
        (a trial's started_at is the trial start, not the first payment). -#}
    select
        account_id,
        min(updated_at) as first_paid_at
    from subscriptions
    where is_paid_plan and subscription_status in ('active', 'past_due') and account_id is not null
    group by account_id
),

as_of as (
    select max(activity_date) as as_of_date
    from user_activity
),

active_users as (
    select distinct user_activity.user_id
    from user_activity
    cross join as_of
    where
        user_activity.activity_date
        > {{ dbt.dateadd('day', -1 * (var('pql_active_seat_days') | int), 'as_of.as_of_date') }}
),

seats as (
    select
        links.account_id,
        count(*) as seat_count,
        count(active_users.user_id) as active_seat_count,
        sum(case when links.link_method = 'explicit' then 1 else 0 end) as explicit_seat_count
    from links
    inner join users
        on links.user_id = users.user_id
    left join active_users
        on links.user_id = active_users.user_id
    where not users.is_internal
    group by links.account_id
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_domain,
        accounts.employee_count,
        accounts.industry,
        accounts.country,
        coalesce(current_subscription.plan, accounts.plan_trait) as plan,
        current_subscription.subscription_status,
        coalesce(current_subscription.is_paying, false) as is_paying,
        cast(coalesce(current_subscription.mrr, 0) as {{ dbt.type_numeric() }}) as mrr,
        first_paid.first_paid_at,
        crm_matches.crm_account_id,
        crm_matches.crm_match_method,
        cast(coalesce(seats.seat_count, 0) as {{ dbt.type_bigint() }}) as seat_count,
        cast(coalesce(seats.active_seat_count, 0) as {{ dbt.type_bigint() }}) as active_seat_count,
        cast(coalesce(seats.explicit_seat_count, 0) as {{ dbt.type_bigint() }}) as explicit_seat_count,
        accounts.first_observed_at as first_seen_at
    from accounts
    left join crm_matches
        on accounts.account_id = crm_matches.account_id
    left join current_subscription
        on accounts.account_id = current_subscription.account_id
    left join first_paid
        on accounts.account_id = first_paid.account_id
    left join seats
        on accounts.account_id = seats.account_id
)

select * from final
