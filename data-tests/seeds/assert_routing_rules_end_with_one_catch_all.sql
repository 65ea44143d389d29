-- Routing has no gaps: exactly one rule has no conditions, and it is evaluated last, so every
-- account and user gets an owner. Returns the offending rules (or a row when none exists).
with

rules as (
    select * from {{ ref('routing_rules') }}
),

catch_alls as (
    select
        rule_id,
        priority
    from rules
    where
        min_employees is null
        and max_employees is null
        and countries is null
        and industries is null
        and plans is null
),

catch_all_count as (
    select count(*) as n from catch_alls
),

problems as (
    select
        rule_id,
        'more than one catch-all rule' as problem
    from catch_alls
    where (select catch_all_count.n from catch_all_count) > 1

    union all

    select
        rule_id,
        'the catch-all is not the last rule' as problem
    from catch_alls
    where priority < (select max(rules.priority) from rules)

    union all

    select
        'none' as rule_id,
        'no catch-all rule: some records would get no owner' as problem
    where (select catch_all_count.n from catch_all_count) = 0
)

select * from problems
