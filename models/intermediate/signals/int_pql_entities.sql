{%- set new_business_types = sql_string_list(var('pql_new_business_opportunity_types')) -%}
{#- Who can be scored, and from when a new-business entity has converted (and an expansion one
    becomes eligible): an account from its first paid, paying subscription version or its first
    won new-business deal, whichever is first; a user from
    the first payment of any account they belong to (once that membership is known). Internal
    users are left out. -#}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

conversions as (
    {#- Conversion (DESIGN.md glossary): the first paid subscription version, or the first won
        new-business deal of the account's CRM account, whichever comes first. -#}
    select
        account_id,
        updated_at as converted_at
    from subscriptions
    where
        is_paid_plan
        and subscription_status in ({{ sql_string_list(var('pql_paying_statuses')) }})
        and account_id is not null

    union all

    select
        crm_matches.account_id,
        opportunities.closed_at as converted_at
    from opportunities
    inner join crm_matches
        on opportunities.crm_account_id = crm_matches.crm_account_id
    where
        opportunities.is_won
        and not opportunities.is_deleted
        and opportunities.closed_at is not null
        and opportunities.opportunity_type in ({{ new_business_types }})
),

first_paid as (
    select
        account_id,
        {{ dbt.cast(dbt.date_trunc('day', 'min(converted_at)'), 'date') }} as paying_since_date
    from conversions
    group by account_id
),

account_entities as (
    select
        'account' as entity,
        accounts.account_id as entity_id,
        first_paid.paying_since_date
    from accounts
    left join first_paid
        on accounts.account_id = first_paid.account_id
),

user_conversions as (
    {#- A user has converted once any account they belong to pays, from the day both the
        payment and their membership were known. -#}
    select
        links.user_id,
        min(greatest(
            first_paid.paying_since_date,
            {{ dbt.cast(dbt.date_trunc('day', 'links.first_linked_received_at'), 'date') }}
        )) as paying_since_date
    from links
    inner join first_paid
        on links.account_id = first_paid.account_id
    group by links.user_id
),

user_entities as (
    select
        'user' as entity,
        users.user_id as entity_id,
        user_conversions.paying_since_date
    from users
    left join user_conversions
        on users.user_id = user_conversions.user_id
    where not users.is_internal
),

final as (
    select * from account_entities
    union all
    select * from user_entities
)

select * from final
