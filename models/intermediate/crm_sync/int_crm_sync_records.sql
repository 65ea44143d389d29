{#- The CRM records pql writes, one row per record, before change tracking.
    Users: the best of their PQL definitions (by status: qualified, not_qualified, converted,
    not_eligible; then the highest score). A user
    with a live CRM contact (same email) writes to that contact; a user without one becomes a
    lead only once they have qualified; a user whose only contacts were deleted is never
    targeted.
    Accounts: the best of their PQA definitions (both motions). An account matched to a live CRM
    account writes to it; an unmatched account is created (keyed by domain) only once it has
    qualified, and never for a personal email domain.
    Several users or accounts pointing at one CRM record: the best state wins, so each record
    gets one row and one owner. -#}
with

current_states as (
    select * from {{ ref('int_pql_states_current') }}
),

users as (
    select * from {{ ref('int_users_profiled') }}
),

user_accounts as (
    select * from {{ ref('int_users_resolved_to_accounts') }}
),

contact_matches as (
    select * from {{ ref('int_users_matched_to_crm_contacts') }}
),

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

owners as (
    select * from {{ ref('int_accounts_routed_to_owners') }}
),

learned_scores as (
    {#- optional learned-score fields (null when the score is off or refused); the probability
        rounded to 0.01 so a retrained model's small drifts do not re-send every record -#}
    select
        definition_id,
        entity_id,
        cast(round(probability, 2) as {{ dbt.type_numeric() }}) as learned_probability,
        band as learned_band,
        top_positive_factors as learned_top_factors
    from {{ ref('int_learned_scores') }}
),

personal_email_domains as (
    select * from {{ ref('personal_email_domains') }}
),

catch_all_rule_ranked as (
    select
        owner,
        owner_type,
        row_number() over (order by priority desc) as row_rank
    from {{ ref('routing_rules') }}
    where
        min_employees is null and max_employees is null and countries is null
        and industries is null and plans is null
),

catch_all_rule as (
    select
        owner,
        owner_type
    from catch_all_rule_ranked
    where row_rank = 1
),

ranked_states as (
    select
        *,
        row_number() over (
            partition by entity, entity_id
            order by {{ status_priority('status') }}, score desc, definition_id
        ) as state_rank,
        max(case when first_qualified_at is not null then 1 else 0 end) over (
            partition by entity, entity_id
        ) = 1 as has_ever_qualified
    from current_states
),

user_records as (
    select
        case
            when contact_matches.crm_contact_id is not null
                then 'contact:' || contact_matches.crm_contact_id
            else 'lead:' || users.email
        end as sync_key,
        states.entity,
        states.entity_id,
        case when contact_matches.crm_contact_id is not null then 'contact' else 'lead' end
            as crm_object,
        contact_matches.crm_contact_id as crm_record_id,
        users.email,
        users.user_name as full_name,
        coalesce(accounts.account_name, case when not users.is_personal_email then users.email_domain end)
            as company_name,
        {{ dbt.cast('null', dbt.type_string()) }} as account_domain,
        states.definition_id,
        states.definition_version,
        states.status,
        states.score,
        states.tier,
        states.reasons,
        states.qualified_at,
        coalesce(owners.assigned_owner, catch_all_rule.owner) as assigned_owner,
        coalesce(owners.owner_type, catch_all_rule.owner_type) as owner_type,
        learned_scores.learned_probability,
        learned_scores.learned_band,
        learned_scores.learned_top_factors
    from ranked_states as states
    inner join users
        on states.entity_id = users.user_id
    left join contact_matches
        on states.entity_id = contact_matches.user_id
    left join learned_scores
        on
            states.definition_id = learned_scores.definition_id
            and states.entity_id = learned_scores.entity_id
    left join user_accounts
        on states.entity_id = user_accounts.user_id
    left join accounts
        on user_accounts.primary_account_id = accounts.account_id
    left join owners
        on user_accounts.primary_account_id = owners.account_id
    cross join catch_all_rule
    where
        states.entity = 'user'
        and states.state_rank = 1
        and users.email is not null
        and not coalesce(contact_matches.has_only_deleted_contacts, false)
        and (contact_matches.crm_contact_id is not null or states.has_ever_qualified)
),

account_records as (
    select
        case
            when crm_matches.crm_account_id is not null then 'account:' || crm_matches.crm_account_id
            else 'domain:' || accounts.account_domain
        end as sync_key,
        states.entity,
        states.entity_id,
        'account' as crm_object,
        crm_matches.crm_account_id as crm_record_id,
        {{ dbt.cast('null', dbt.type_string()) }} as email,
        {{ dbt.cast('null', dbt.type_string()) }} as full_name,
        accounts.account_name as company_name,
        accounts.account_domain,
        states.definition_id,
        states.definition_version,
        states.status,
        states.score,
        states.tier,
        states.reasons,
        states.qualified_at,
        owners.assigned_owner,
        owners.owner_type,
        learned_scores.learned_probability,
        learned_scores.learned_band,
        learned_scores.learned_top_factors
    from ranked_states as states
    inner join accounts
        on states.entity_id = accounts.account_id
    left join crm_matches
        on states.entity_id = crm_matches.account_id
    left join learned_scores
        on
            states.definition_id = learned_scores.definition_id
            and states.entity_id = learned_scores.entity_id
    left join owners
        on states.entity_id = owners.account_id
    left join personal_email_domains
        on accounts.account_domain = personal_email_domains.email_domain
    where
        states.entity = 'account'
        and states.state_rank = 1
        and (
            crm_matches.crm_account_id is not null
            or (
                states.has_ever_qualified
                and accounts.account_domain is not null
                and personal_email_domains.email_domain is null
            )
        )
),

records as (
    select * from user_records
    union all
    select * from account_records
),

final_ranked as (
    select
        records.*,
        row_number() over (
            partition by records.sync_key
            order by {{ status_priority('records.status') }}, records.score desc, records.entity_id
        ) as row_rank
    from records
),

final as (
    select
        sync_key,
        entity,
        entity_id,
        crm_object,
        crm_record_id,
        email,
        full_name,
        company_name,
        account_domain,
        definition_id,
        definition_version,
        status,
        score,
        tier,
        reasons,
        qualified_at,
        assigned_owner,
        owner_type,
        learned_probability,
        learned_band,
        learned_top_factors
    from final_ranked
    where row_rank = 1
)

select * from final
