{#- Which routing rules actually assign owners, and which are shadowed by an earlier rule. -#}
with

rules as (
    select * from {{ ref('routing_rules') }}
),

routed as (
    select * from {{ ref('int_accounts_routed_to_owners') }}
),

assigned as (
    select
        routed_rule_id as rule_id,
        count(*) as assigned_account_count,
        sum(case when matched_rule_count > 1 then 1 else 0 end) as overlapping_account_count
    from routed
    group by routed_rule_id
),

final as (
    select
        rules.priority,
        rules.rule_id,
        rules.owner as rule_owner,
        rules.owner_type,
        cast(coalesce(assigned.assigned_account_count, 0) as {{ dbt.type_bigint() }})
            as assigned_account_count,
        cast(coalesce(assigned.overlapping_account_count, 0) as {{ dbt.type_bigint() }})
            as overlapping_account_count,
        coalesce(assigned.assigned_account_count, 0) = 0 as is_unused
    from rules
    left join assigned
        on rules.rule_id = assigned.rule_id
)

select * from final
