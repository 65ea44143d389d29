{#- What each product account (workspace) is: every account id seen in a group call, an event's
    context or a subscription, with its latest non-null traits from group calls. -#}
{%- set account_traits = [
    'account_name', 'account_domain', 'plan', 'employee_count', 'industry', 'country', 'crm_account_id',
] -%}

with

observed as (
    select * from {{ ref('int_identities_observed') }}
),

groups as (
    select * from {{ ref('stg_cdp__groups') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

accounts as (
    select
        account_id,
        min(first_observed_at) as first_observed_at,
        min(first_received_at) as first_received_at
    from (
        select
            account_id,
            first_observed_at,
            first_received_at
        from observed
        where account_id is not null
        union all
        select
            account_id,
            started_at as first_observed_at,
            updated_at as first_received_at
        from subscriptions
        where account_id is not null
    ) as seen
    group by account_id
),

group_traits as (
    select
        *,
        row_number() over (
            partition by account_id order by received_at desc, occurred_at desc, message_id desc
        ) as recency_rank
    from groups
    where account_id is not null and traits_json is not null and not is_traits_malformed
),

ranked_traits as (
    select
        {% for trait in account_traits %}
            {{ trait }},
            row_number() over (
                partition by account_id order by ({{ trait }} is null), recency_rank
            ) as {{ trait }}_rank,
        {% endfor %}
        account_id
    from group_traits
),

latest_traits as (
    {#- Latest non-null value of each trait: a group call that omits a trait does not erase it. -#}
    select
        {% for trait in account_traits %}
            max(case when {{ trait }}_rank = 1 then {{ trait }} end) as {{ trait }},
        {% endfor %}
        account_id
    from ranked_traits
    group by account_id
),

final as (
    select
        accounts.account_id,
        latest_traits.account_name,
        latest_traits.account_domain,
        latest_traits.plan as plan_trait,
        latest_traits.employee_count,
        latest_traits.industry,
        latest_traits.country,
        latest_traits.crm_account_id as requested_crm_account_id,
        accounts.first_observed_at,
        accounts.first_received_at
    from accounts
    left join latest_traits
        on accounts.account_id = latest_traits.account_id
)

select * from final
