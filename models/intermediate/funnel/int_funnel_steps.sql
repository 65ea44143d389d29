{#- The new-business funnel of each user and each account under each new-business definition of
    its entity: signed up -> activated (first activation milestone, activation_milestones seed;
    there is no per-definition activation set yet) -> first qualification -> first opportunity
    -> won or self-serve paid, with the MQL time alongside. fct_user_funnel and
    fct_account_funnel are this model split by entity, with the days between the steps.

    A user's opportunities and conversion are those of any account they belong to (the
    earliest), as in the threshold engine, which ends a user's new-business eligibility when any
    of their accounts pays; an account's are its own. A user's segments are their signup source
    and persona and their primary account's plan and size; an account's signup source and
    persona are its creator's (the earliest-signed-up non-internal member). A user's MQL is
    their CRM contact's (matched on the lower-cased email, live contacts only); an account's is
    the first MQL among its CRM account's live contacts. -#}
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
    select * from {{ ref('int_milestones_reached') }}
),

states as (
    select * from {{ ref('int_pql_states_evaluated') }}
),

config as (
    select * from {{ ref('int_pql_config_validated') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where rejection_reason is null and not is_deleted
),

revenue_events as (
    select * from {{ ref('fct_revenue_events') }}
    where motion = 'new_business'
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
),

definitions as (
    select distinct
        entity,
        definition_id,
        definition_version
    from config
    where motion = 'new_business'
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

entities as (
    {#- segment_account_id: the account whose plan and size segment the entity -#}
    select
        'user' as entity,
        user_id as entity_id,
        primary_account_id as segment_account_id,
        is_internal,
        signup_source,
        persona,
        signed_up_at
    from users

    union all

    select
        'account' as entity,
        accounts.account_id as entity_id,
        accounts.account_id as segment_account_id,
        cast(null as {{ dbt.type_boolean() }}) as is_internal,
        creators_ranked.signup_source,
        creators_ranked.persona,
        accounts.first_seen_at as signed_up_at
    from accounts
    left join creators_ranked
        on
            accounts.account_id = creators_ranked.account_id
            and creators_ranked.row_rank = 1
),

entity_accounts as (
    {#- the accounts whose opportunities and conversion count for the entity -#}
    select
        'user' as entity,
        user_id as entity_id,
        account_id
    from links

    union all

    select
        'account' as entity,
        account_id as entity_id,
        account_id
    from accounts
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

activations_ranked as (
    select
        entity,
        entity_id,
        reached_at as activated_at,
        milestone_id as activation_milestone_id,
        row_number() over (
            partition by entity, entity_id
            order by reached_at, milestone_id
        ) as row_rank
    from milestones
),

qualifications as (
    select
        entity,
        definition_id,
        entity_id,
        min(valid_from) as first_qualified_date,
        count(*) as times_qualified
    from states
    where change_type = 'qualified'
    group by
        entity,
        definition_id,
        entity_id
),

mqls as (
    select
        'user' as entity,
        users.user_id as entity_id,
        min(contacts.crm_contact_id) as crm_contact_id,
        min(contacts.mql_at) as mql_at
    from users
    inner join contacts
        on users.email = contacts.email
    group by users.user_id

    union all

    select
        'account' as entity,
        accounts.account_id as entity_id,
        cast(null as {{ dbt.type_string() }}) as crm_contact_id,
        min(contacts.mql_at) as mql_at
    from accounts
    inner join contacts
        on accounts.crm_account_id = contacts.crm_account_id
    group by accounts.account_id
),

entity_revenue_events as (
    select
        entity_accounts.entity,
        entity_accounts.entity_id,
        revenue_events.event_type,
        revenue_events.occurred_at
    from entity_accounts
    inner join revenue_events
        on entity_accounts.account_id = revenue_events.account_id
),

outcomes as (
    select
        entity,
        entity_id,
        min(case when event_type = 'opportunity_created' then occurred_at end) as first_opportunity_at,
        min(case when event_type = 'opportunity_won' then occurred_at end) as won_at,
        min(case when event_type = 'paid_subscription_started' then occurred_at end) as first_paid_at
    from entity_revenue_events
    group by
        entity,
        entity_id
),

first_conversions_ranked as (
    {#- the earliest conversion among the entity's accounts (int_account_conversions) -#}
    select
        entity_accounts.entity,
        entity_accounts.entity_id,
        conversions.converted_at,
        conversions.converted_via,
        row_number() over (
            partition by entity_accounts.entity, entity_accounts.entity_id
            order by
                conversions.converted_at,
                conversions.converted_via,
                conversions.converted_source_id
        ) as row_rank
    from entity_accounts
    inner join conversions
        on entity_accounts.account_id = conversions.account_id
),

final as (
    select
        definitions.definition_id || '|' || entities.entity_id as funnel_id,
        definitions.definition_id,
        definitions.definition_version,
        entities.entity,
        entities.entity_id,
        entities.segment_account_id,
        segment_accounts.crm_account_id,
        mqls.crm_contact_id,
        entities.is_internal,
        coalesce(entities.signup_source, 'unknown') as signup_source,
        coalesce(entities.persona, 'unknown') as persona,
        coalesce(signup_plans_ranked.signup_plan, 'unknown') as signup_plan,
        segment_accounts.employee_count,
        {{ company_size_band('segment_accounts.employee_count') }} as company_size_band,
        segment_accounts.industry,
        entities.signed_up_at,
        activations_ranked.activated_at,
        activations_ranked.activation_milestone_id,
        qualifications.first_qualified_date,
        coalesce(qualifications.times_qualified, 0) as times_qualified,
        mqls.mql_at,
        outcomes.first_opportunity_at,
        outcomes.won_at,
        outcomes.first_paid_at,
        first_conversions_ranked.converted_at,
        first_conversions_ranked.converted_via
    from entities
    inner join definitions
        on entities.entity = definitions.entity
    left join accounts as segment_accounts
        on entities.segment_account_id = segment_accounts.account_id
    left join signup_plans_ranked
        on
            entities.segment_account_id = signup_plans_ranked.account_id
            and signup_plans_ranked.row_rank = 1
    left join activations_ranked
        on
            entities.entity = activations_ranked.entity
            and entities.entity_id = activations_ranked.entity_id
            and activations_ranked.row_rank = 1
    left join qualifications
        on
            definitions.definition_id = qualifications.definition_id
            and entities.entity = qualifications.entity
            and entities.entity_id = qualifications.entity_id
    left join mqls
        on
            entities.entity = mqls.entity
            and entities.entity_id = mqls.entity_id
    left join outcomes
        on
            entities.entity = outcomes.entity
            and entities.entity_id = outcomes.entity_id
    left join first_conversions_ranked
        on
            entities.entity = first_conversions_ranked.entity
            and entities.entity_id = first_conversions_ranked.entity_id
            and first_conversions_ranked.row_rank = 1
)

select * from final
