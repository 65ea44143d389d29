{#- Every entity a panel can replay, dated as it was known: non-internal users and every
    account, the day each was first loaded (known_from: an entity enters when it was loaded, not
    at a signup time learned later) and the day its new-business conversion was known for it
    (an account's own; a user's through an account counts from when the membership was known,
    as in the threshold engine). Read by fct_backtest_panel and fct_suggestion_panel, so their
    eligibility is one definition. -#}
with

users as (
    select * from {{ ref('int_users_profiled') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

links as (
    select * from {{ ref('int_user_accounts_linked') }}
),

conversions as (
    select * from {{ ref('int_account_conversions') }}
    where motion = 'new_business'
),

known_entities as (
    select
        'user' as entity,
        user_id as entity_id,
        {{ dbt.cast('greatest(signed_up_at, first_received_at)', 'date') }} as known_from
    from users
    where not is_internal

    union all

    select
        'account' as entity,
        account_id as entity_id,
        {{ dbt.cast('greatest(first_observed_at, first_received_at)', 'date') }} as known_from
    from accounts
),

entity_conversions as (
    select
        'account' as entity,
        account_id as entity_id,
        converted_date
    from conversions

    union all

    select
        'user' as entity,
        links.user_id as entity_id,
        min(greatest(
            conversions.converted_date,
            {{ dbt.cast('links.first_linked_received_at', 'date') }}
        )) as converted_date
    from links
    inner join conversions
        on links.account_id = conversions.account_id
    group by links.user_id
),

final as (
    select
        known_entities.entity || '|' || known_entities.entity_id as entity_key,
        known_entities.entity,
        known_entities.entity_id,
        known_entities.known_from,
        entity_conversions.converted_date
    from known_entities
    left join entity_conversions
        on
            known_entities.entity = entity_conversions.entity
            and known_entities.entity_id = entity_conversions.entity_id
)

select * from final
