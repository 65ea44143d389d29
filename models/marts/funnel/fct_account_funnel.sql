{#- The new-business funnel of each account under each account-level new-business definition:
    created (signed up) -> activated (first activation milestone, activation_milestones seed;
    there is no per-definition activation set yet) -> first PQA -> first opportunity -> won or
    self-serve paid, with the MQL time from the CRM alongside and the days between the steps.
    Segments: the creator's signup source and persona (the earliest-signed-up non-internal
    member), the plan the account started on, and the company-size band. -#}
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

milestones as (
    select * from {{ ref('int_account_milestones_reached') }}
),

history as (
    select * from {{ ref('fct_pqa_state_history') }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where rejection_reason is null
),

revenue_events as (
    select * from {{ ref('fct_revenue_events') }}
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
),

definitions as (
    select distinct
        definition_id,
        definition_version
    from config
    where entity = 'account' and motion = 'new_business'
),

creators_ranked as (
    select
        links.account_id,
        users.signup_source,
        users.persona,
        row_number() over (
            partition by links.account_id
            order by users.signed_up_at, users.user_id
        ) as row_rank
    from links
    inner join users
        on links.user_id = users.user_id
    where not users.is_internal
),

creators as (
    select
        account_id,
        signup_source,
        persona
    from creators_ranked
    where row_rank = 1
),

signup_plans_ranked as (
    select
        account_id,
        plan as signup_plan,
        row_number() over (
            partition by account_id
            order by started_at, updated_at, subscription_id
        ) as row_rank
    from subscriptions
    where account_id is not null
),

signup_plans as (
    select
        account_id,
        signup_plan
    from signup_plans_ranked
    where row_rank = 1
),

activations_ranked as (
    select
        account_id,
        reached_at as activated_at,
        milestone_id as activation_milestone_id,
        row_number() over (
            partition by account_id
            order by reached_at, milestone_id
        ) as row_rank
    from milestones
),

activations as (
    select
        account_id,
        activated_at,
        activation_milestone_id
    from activations_ranked
    where row_rank = 1
),

qualifications as (
    select
        definition_id,
        account_id,
        min(valid_from) as first_qualified_date,
        count(*) as times_qualified
    from history
    where change_type = 'qualified'
    group by
        definition_id,
        account_id
),

mqls as (
    select
        crm_account_id,
        min(mql_at) as mql_at
    from contacts
    where not is_deleted and crm_account_id is not null
    group by crm_account_id
),

outcomes as (
    select
        account_id,
        min(case when event_type = 'opportunity_created' then occurred_at end) as first_opportunity_at,
        min(case when event_type = 'opportunity_won' then occurred_at end) as won_at,
        min(case when event_type = 'paid_subscription_started' then occurred_at end) as first_paid_at
    from revenue_events
    where motion = 'new_business'
    group by account_id
),

joined as (
    select
        definitions.definition_id,
        definitions.definition_version,
        accounts.account_id,
        accounts.crm_account_id,
        creators.signup_source,
        creators.persona,
        coalesce(signup_plans.signup_plan, 'unknown') as signup_plan,
        accounts.employee_count,
        {{ company_size_band('accounts.employee_count') }} as company_size_band,
        accounts.industry,
        accounts.first_seen_at as signed_up_at,
        activations.activated_at,
        activations.activation_milestone_id,
        qualifications.first_qualified_date,
        coalesce(qualifications.times_qualified, 0) as times_qualified,
        mqls.mql_at,
        outcomes.first_opportunity_at,
        outcomes.won_at,
        outcomes.first_paid_at,
        conversions.converted_at,
        conversions.converted_via
    from accounts
    cross join definitions
    left join creators
        on accounts.account_id = creators.account_id
    left join signup_plans
        on accounts.account_id = signup_plans.account_id
    left join activations
        on accounts.account_id = activations.account_id
    left join qualifications
        on
            definitions.definition_id = qualifications.definition_id
            and accounts.account_id = qualifications.account_id
    left join mqls
        on accounts.crm_account_id = mqls.crm_account_id
    left join outcomes
        on accounts.account_id = outcomes.account_id
    left join conversions
        on accounts.account_id = conversions.account_id
),

final as (
    select
        definition_id || '|' || account_id as account_funnel_id,
        definition_id,
        definition_version,
        account_id,
        crm_account_id,
        coalesce(signup_source, 'unknown') as signup_source,
        coalesce(persona, 'unknown') as persona,
        signup_plan,
        cast(employee_count as {{ dbt.type_int() }}) as employee_count,
        company_size_band,
        industry,
        {{ funnel_step_columns() }}
    from joined
)

select * from final
