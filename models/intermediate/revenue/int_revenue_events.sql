{#- Revenue events per product account, the outcomes the engine, funnels and reports measure:
    - paid_subscription_started (new business): the start of the account's first paid period
      (int_subscription_paid_periods), exact to the second in both billing shapes.
    - subscription_reactivated (new business): the start of a later account paid period, after
      a gap with no paid subscription (paid -> free or canceled -> paid).
    - mrr_increased (expansion): a paying version whose MRR is above the previous version of the
      same subscription, when that one paid too (a change log only: current state keeps no
      earlier MRR).
    - opportunity_created / opportunity_won: live (not soft-deleted) CRM opportunities on the CRM
      account the product account is matched to; the motion comes from the opportunity type
      (vars pql_new_business_opportunity_types, pql_expansion_opportunity_types; other types,
      such as renewal, are left out). A CRM account matched by several product accounts gives
      each of them the event.
    is_conversion marks the events that count as a conversion of their motion (vars
    pql_conversion_events, pql_expansion_conversion_events); int_account_conversions takes the
    first of them. -#}
{%- set new_business_types = var('pql_new_business_opportunity_types') -%}
{%- set expansion_types = var('pql_expansion_opportunity_types') -%}
{#- Checked against macros/vars/pql_var_rules.sql (also at run start): known event types only. -#}
{%- set conversion_events = validated_var('pql_conversion_events') -%}
{%- set expansion_conversion_events = validated_var('pql_expansion_conversion_events') -%}
with

paid_periods as (
    select * from {{ ref('int_subscription_paid_periods') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
    where rejection_reason is null
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

versions as (
    select
        account_id,
        subscription_id,
        subscription_version_id,
        updated_at,
        mrr,
        coalesce(
            is_paid_plan and subscription_status in ({{ sql_string_list(var('pql_paying_statuses')) }}),
            false
        ) as is_paying
    from subscriptions
    where account_id is not null
),

compared_versions as (
    select
        versions.*,
        lag(versions.mrr) over (
            partition by versions.subscription_id order by versions.updated_at
        ) as previous_mrr,
        lag(versions.is_paying) over (
            partition by versions.subscription_id order by versions.updated_at
        ) as was_paying
    from versions
),

account_opportunities as (
    select
        crm_matches.account_id,
        opportunities.crm_opportunity_id,
        opportunities.created_at,
        opportunities.closed_at,
        opportunities.is_won,
        case
            when opportunities.opportunity_type in ({{ sql_string_list(new_business_types) }})
                then 'new_business'
            when opportunities.opportunity_type in ({{ sql_string_list(expansion_types) }})
                then 'expansion'
        end as motion
    from opportunities
    inner join crm_matches
        on opportunities.crm_account_id = crm_matches.crm_account_id
    where not opportunities.is_deleted
),

unioned as (
    select
        account_id,
        'new_business' as motion,
        case
            when account_paid_period_number = 1 then 'paid_subscription_started'
            else 'subscription_reactivated'
        end as event_type,
        paid_period_id as source_id,
        paid_started_at as occurred_at
    from paid_periods
    where starts_account_paid_period

    union all

    select
        account_id,
        'expansion' as motion,
        'mrr_increased' as event_type,
        subscription_version_id as source_id,
        updated_at as occurred_at
    from compared_versions
    where is_paying and was_paying and mrr > previous_mrr

    union all

    select
        account_id,
        motion,
        'opportunity_created' as event_type,
        crm_opportunity_id as source_id,
        created_at as occurred_at
    from account_opportunities
    where motion is not null and created_at is not null

    union all

    select
        account_id,
        motion,
        'opportunity_won' as event_type,
        crm_opportunity_id as source_id,
        closed_at as occurred_at
    from account_opportunities
    where motion is not null and is_won and closed_at is not null
),

final as (
    select
        unioned.account_id || '|' || unioned.motion || '|' || unioned.event_type || '|' || unioned.source_id
            as revenue_event_id,
        unioned.account_id,
        unioned.motion,
        unioned.event_type,
        unioned.source_id,
        unioned.occurred_at,
        {{ dbt.cast('unioned.occurred_at', 'date') }} as occurred_date,
        case
            when unioned.motion = 'new_business'
                then unioned.event_type in ({{ sql_string_list(conversion_events) }})
            else unioned.event_type in ({{ sql_string_list(expansion_conversion_events) }})
        end as is_conversion
    from unioned
)

select * from final
