{#- The leads the reports count, one row per lead per definition, for the metric layer: users
    (internal users left out) for user definitions and accounts for account definitions, eligible
    at signup (the same population as rpt_funnel_conversion, rpt_time_to_pql and rpt_pql_vs_mql),
    with their funnel times, and whether each converted on its signup day, before it could
    qualify (the engine scores a day's behaviour from that day on, and an entity paying on a day
    is no longer eligible for a new-business definition that day). -#}
with

user_funnel as (
    select * from {{ ref('fct_user_funnel') }}
),

account_funnel as (
    select * from {{ ref('fct_account_funnel') }}
),

leads as (
    select
        'user' as entity,
        user_id as entity_id,
        definition_id,
        signed_up_at,
        first_qualified_date,
        mql_at,
        first_opportunity_at,
        won_at,
        converted_at,
        days_to_qualified
    from user_funnel
    where not is_internal and is_eligible_at_signup

    union all

    select
        'account' as entity,
        account_id as entity_id,
        definition_id,
        signed_up_at,
        first_qualified_date,
        mql_at,
        first_opportunity_at,
        won_at,
        converted_at,
        days_to_qualified
    from account_funnel
    where is_eligible_at_signup
),

final as (
    select
        entity || '|' || definition_id || '|' || entity_id as lead_id,
        entity,
        entity_id,
        definition_id,
        signed_up_at,
        {{ dbt.cast('signed_up_at', 'date') }} as signup_date,
        first_qualified_date,
        {{ dbt.cast('first_qualified_date', dbt.type_timestamp()) }} as qualified_at,
        mql_at,
        first_opportunity_at,
        won_at,
        converted_at,
        coalesce(
            {{ dbt.cast('converted_at', 'date') }} <= {{ dbt.cast('signed_up_at', 'date') }}, false
        ) as is_converted_at_signup,
        cast(case when days_to_qualified >= 0 then days_to_qualified end as {{ dbt.type_int() }})
            as days_to_qualified
    from leads
)

select * from final
