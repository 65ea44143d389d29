{#- One row per product account with the CRM account it maps to, and how:
      explicit   the product sent crm_account_id in a group call and that CRM account exists
                 and is not deleted;
      domain     otherwise, the account's domain equals a live CRM account's normalised domain
                 (the oldest CRM account wins when several share it);
      unmatched  neither.
    Deleted CRM accounts are never matched. -#}
with

accounts as (
    select * from {{ ref('int_accounts_profiled') }}
),

crm_accounts as (
    select * from {{ ref('stg_crm__accounts') }}
    where rejection_reason is null and not is_deleted
),

crm_by_domain_ranked as (
    select
        account_domain,
        crm_account_id,
        row_number() over (
            partition by account_domain order by created_at, crm_account_id
        ) as row_rank
    from crm_accounts
    where account_domain is not null
),

crm_by_domain as (
    select
        account_domain,
        crm_account_id
    from crm_by_domain_ranked
    where row_rank = 1
),

final as (
    select
        accounts.account_id,
        coalesce(explicit_match.crm_account_id, crm_by_domain.crm_account_id) as crm_account_id,
        case
            when explicit_match.crm_account_id is not null then 'explicit'
            when crm_by_domain.crm_account_id is not null then 'domain'
            else 'unmatched'
        end as crm_match_method,
        accounts.requested_crm_account_id,
        accounts.requested_crm_account_id is not null
        and explicit_match.crm_account_id is null as is_requested_crm_account_missing
    from accounts
    left join crm_accounts as explicit_match
        on accounts.requested_crm_account_id = explicit_match.crm_account_id
    left join crm_by_domain
        on accounts.account_domain = crm_by_domain.account_domain
)

select * from final
