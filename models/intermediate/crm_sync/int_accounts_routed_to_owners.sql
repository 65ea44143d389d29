{#- One owner per account. Routing rules (seeds/routing_rules.csv) are tried in priority order
    against the account's size, country, industry and plan; the first match wins. The owner of
    the matched live CRM account is kept unless var pql_override_crm_owner is true. -#}
{%- set override_crm_owner = 'true' if var('pql_override_crm_owner') else 'false' -%}
with

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

crm_matches as (
    select * from {{ ref('int_accounts_matched_to_crm') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
    where rejection_reason is null and not is_deleted
),

rules as (
    select * from {{ ref('routing_rules') }}
),

matches as (
    select
        accounts.account_id,
        rules.priority,
        rules.rule_id,
        rules.owner as rule_owner,
        rules.owner_type,
        (
            rules.min_employees is null and rules.max_employees is null and rules.countries is null
            and rules.industries is null and rules.plans is null
        ) as is_catch_all
    from accounts
    cross join rules
    where
        (rules.min_employees is null or accounts.employee_count >= rules.min_employees)
        and (rules.max_employees is null or accounts.employee_count <= rules.max_employees)
        and (
            rules.countries is null
            or position('|' || upper(accounts.country) || '|' in '|' || upper(rules.countries) || '|') > 0
        )
        and (
            rules.industries is null
            or position('|' || lower(accounts.industry) || '|' in '|' || lower(rules.industries) || '|') > 0
        )
        and (
            rules.plans is null
            or position('|' || lower(accounts.plan_trait) || '|' in '|' || lower(rules.plans) || '|') > 0
        )
),

ranked as (
    select
        *,
        row_number() over (partition by account_id order by priority) as match_rank,
        sum(case when is_catch_all then 0 else 1 end) over (partition by account_id)
            as matched_rule_count
    from matches
),

final as (
    select
        accounts.account_id,
        ranked.rule_id as routed_rule_id,
        ranked.rule_owner as routed_owner,
        ranked.owner_type as routed_owner_type,
        coalesce(ranked.matched_rule_count, 0) as matched_rule_count,
        crm_accounts.owner_email as crm_owner_email,
        case
            when crm_accounts.owner_email is not null and not {{ override_crm_owner }}
                then crm_accounts.owner_email
            else ranked.rule_owner
        end as assigned_owner,
        case
            when crm_accounts.owner_email is not null and not {{ override_crm_owner }}
                then 'user'
            else ranked.owner_type
        end as owner_type,
        case
            when crm_accounts.owner_email is not null and not {{ override_crm_owner }}
                then 'crm_owner'
            else 'routing_rule'
        end as owner_source
    from accounts
    left join ranked
        on accounts.account_id = ranked.account_id and ranked.match_rank = 1
    left join crm_matches
        on accounts.account_id = crm_matches.account_id
    left join crm_accounts
        on crm_matches.crm_account_id = crm_accounts.crm_account_id
)

select * from final
