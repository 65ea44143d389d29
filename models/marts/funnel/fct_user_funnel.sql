{#- The new-business funnel of each user under each user-level new-business definition:
    signed up -> activated (first activation milestone, activation_milestones seed; there is no
    per-definition activation set yet) -> first PQL -> first opportunity -> won or self-serve
    paid, with the MQL time of the user's CRM contact alongside and the days between the steps.

    A user's opportunities and conversion are those of any account they belong to (the
    earliest), as in the threshold engine, which ends a user's new-business eligibility when any
    of their accounts pays. Users who joined an account that already paid are not new-business
    leads (is_eligible_at_signup false). The CRM contact is matched on the lower-cased email
    (live contacts only). Segments: signup source, persona, the plan the primary account started
    on and its company-size band. -#}
with

users as (
    select * from {{ ref('dim_users') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
    where rejection_reason is null
),

milestones as (
    select * from {{ ref('int_user_milestones_reached') }}
),

history as (
    select * from {{ ref('fct_pql_state_history') }}
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
    where entity = 'user' and motion = 'new_business'
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
        user_id,
        reached_at as activated_at,
        milestone_id as activation_milestone_id,
        row_number() over (
            partition by user_id
            order by reached_at, milestone_id
        ) as row_rank
    from milestones
),

activations as (
    select
        user_id,
        activated_at,
        activation_milestone_id
    from activations_ranked
    where row_rank = 1
),

qualifications as (
    select
        definition_id,
        user_id,
        min(valid_from) as first_qualified_date,
        count(*) as times_qualified
    from history
    where change_type = 'qualified'
    group by
        definition_id,
        user_id
),

user_contacts as (
    select
        users.user_id,
        min(contacts.crm_contact_id) as crm_contact_id,
        min(contacts.mql_at) as mql_at
    from users
    inner join contacts
        on users.email = contacts.email
    where not contacts.is_deleted
    group by users.user_id
),

user_revenue_events as (
    select
        links.user_id,
        revenue_events.event_type,
        revenue_events.source_id,
        revenue_events.occurred_at
    from links
    inner join revenue_events
        on links.account_id = revenue_events.account_id
    where revenue_events.motion = 'new_business'
),

outcomes as (
    select
        user_id,
        min(case when event_type = 'opportunity_created' then occurred_at end) as first_opportunity_at,
        min(case when event_type = 'opportunity_won' then occurred_at end) as won_at,
        min(case when event_type = 'paid_subscription_started' then occurred_at end) as first_paid_at
    from user_revenue_events
    group by user_id
),

first_conversions_ranked as (
    {#- the earliest conversion among the user's accounts (int_account_conversions) -#}
    select
        links.user_id,
        conversions.converted_at,
        conversions.converted_via,
        row_number() over (
            partition by links.user_id
            order by conversions.converted_at, conversions.converted_via, conversions.converted_source_id
        ) as row_rank
    from links
    inner join conversions
        on links.account_id = conversions.account_id
),

first_conversions as (
    select
        user_id,
        converted_at,
        converted_via
    from first_conversions_ranked
    where row_rank = 1
),

joined as (
    select
        definitions.definition_id,
        definitions.definition_version,
        users.user_id,
        users.primary_account_id,
        user_contacts.crm_contact_id,
        users.is_internal,
        users.signup_source,
        users.persona,
        coalesce(signup_plans.signup_plan, 'unknown') as signup_plan,
        accounts.employee_count,
        {{ company_size_band('accounts.employee_count') }} as company_size_band,
        users.signed_up_at,
        activations.activated_at,
        activations.activation_milestone_id,
        qualifications.first_qualified_date,
        coalesce(qualifications.times_qualified, 0) as times_qualified,
        user_contacts.mql_at,
        outcomes.first_opportunity_at,
        outcomes.won_at,
        outcomes.first_paid_at,
        first_conversions.converted_at,
        first_conversions.converted_via
    from users
    cross join definitions
    left join accounts
        on users.primary_account_id = accounts.account_id
    left join signup_plans
        on users.primary_account_id = signup_plans.account_id
    left join activations
        on users.user_id = activations.user_id
    left join qualifications
        on
            definitions.definition_id = qualifications.definition_id
            and users.user_id = qualifications.user_id
    left join user_contacts
        on users.user_id = user_contacts.user_id
    left join outcomes
        on users.user_id = outcomes.user_id
    left join first_conversions
        on users.user_id = first_conversions.user_id
),

final as (
    select
        definition_id || '|' || user_id as user_funnel_id,
        definition_id,
        definition_version,
        user_id,
        primary_account_id,
        crm_contact_id,
        is_internal,
        coalesce(signup_source, 'unknown') as signup_source,
        coalesce(persona, 'unknown') as persona,
        signup_plan,
        cast(employee_count as {{ dbt.type_int() }}) as employee_count,
        company_size_band,
        {{ funnel_step_columns() }}
    from joined
)

select * from final
