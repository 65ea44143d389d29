{#- Who can be scored, and from when a new-business entity has converted (and an expansion one
    becomes eligible): an account from its new-business conversion (int_account_conversions:
    the first of the var pql_conversion_events, by default its first paid period or a won
    new-business deal); a user from the first conversion of any account they belong to (once
    that membership is known). Internal users are left out. -#}
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

conversions as (
    select * from {{ ref('int_account_conversions') }}
),

first_paid as (
    {#- the account's new-business conversion (int_account_conversions, var
        pql_conversion_events), by date -#}
    select
        account_id,
        converted_date as paying_since_date
    from conversions
    where motion = 'new_business'
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
