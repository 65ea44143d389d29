{%- set paying_statuses = sql_string_list(var('pql_paying_statuses')) -%}

with

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

paid_periods as (
    select * from {{ ref('int_subscription_paid_periods') }}
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

team_expansion as (
    select * from {{ ref('int_account_team_expansion') }}
),

activity as (
    select
        entity_id as account_id,
        activity_date,
        event_count,
        linked_event_count,
        first_event_at,
        last_event_at
    from {{ ref('int_activity_daily') }}
    where entity = 'account'
),

current_subscription_ranked as (
    {#- The account's subscription that matters now: a paying one first, then the most recently
        started, then the most recently updated. -#}
    select
        account_id,
        plan,
        subscription_status,
        mrr,
        is_paid_plan and subscription_status in ({{ paying_statuses }}) as is_paying,
        row_number() over (
            partition by account_id
            order by
                (is_paid_plan and subscription_status in ({{ paying_statuses }})) desc,
                started_at desc,
                updated_at desc,
                subscription_id asc
        ) as row_rank
    from subscriptions
    where is_current_version and account_id is not null
),

current_subscription as (
    select
        account_id,
        plan,
        subscription_status,
        mrr,
        is_paying
    from current_subscription_ranked
    where row_rank = 1
),

first_paid as (
    {#- When the account first became paying: the start of its first paid period
        (int_subscription_paid_periods; a trial's started_at is the trial start, not the first
        payment) -#}
    select
        account_id,
        paid_started_at as first_paid_at
    from paid_periods
    where starts_account_paid_period and account_paid_period_number = 1
),

current_seats_ranked as (
    {#- Seats as of the latest date in the data, from the point-in-time team expansion model. -#}
    select
        account_id,
        seat_count,
        active_seat_count_{{ validated_var('pql_active_seat_days') }}d as active_seat_count,
        row_number() over (partition by account_id order by as_of_date desc) as row_rank
    from team_expansion
),

current_seats as (
    select
        account_id,
        seat_count,
        active_seat_count
    from current_seats_ranked
    where row_rank = 1
),

explicit_seats as (
    select
        links.account_id,
        sum(case when links.link_method = 'explicit' then 1 else 0 end) as explicit_seat_count
    from links
    inner join users
        on links.user_id = users.user_id
    where not users.is_internal
    group by links.account_id
),

activity_summary as (
    {#- The clean stream's events on the account: with its context, or attributed through the
        user's only account link (linked_event_count). -#}
    select
        account_id,
        min(first_event_at) as first_event_at,
        max(last_event_at) as last_event_at,
        count(distinct activity_date) as active_day_count,
        sum(event_count) as event_count,
        sum(linked_event_count) as linked_event_count
    from activity
    group by account_id
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
        conversions.converted_at,
        conversions.converted_via,
        crm_matches.crm_account_id,
        crm_matches.crm_match_method,
        cast(coalesce(current_seats.seat_count, 0) as {{ dbt.type_bigint() }}) as seat_count,
        cast(coalesce(current_seats.active_seat_count, 0) as {{ dbt.type_bigint() }}) as active_seat_count,
        cast(coalesce(explicit_seats.explicit_seat_count, 0) as {{ dbt.type_bigint() }})
            as explicit_seat_count,
        accounts.first_observed_at as first_seen_at,
        activity_summary.first_event_at,
        activity_summary.last_event_at,
        cast(coalesce(activity_summary.active_day_count, 0) as {{ dbt.type_bigint() }})
            as active_day_count,
        cast(coalesce(activity_summary.event_count, 0) as {{ dbt.type_bigint() }}) as event_count,
        cast(coalesce(activity_summary.linked_event_count, 0) as {{ dbt.type_bigint() }})
            as linked_event_count
    from accounts
    left join crm_matches
        on accounts.account_id = crm_matches.account_id
    left join current_subscription
        on accounts.account_id = current_subscription.account_id
    left join first_paid
        on accounts.account_id = first_paid.account_id
    left join conversions
        on accounts.account_id = conversions.account_id
    left join current_seats
        on accounts.account_id = current_seats.account_id
    left join explicit_seats
        on accounts.account_id = explicit_seats.account_id
    left join activity_summary
        on accounts.account_id = activity_summary.account_id
)

select * from final
