{#- The fit score of every entity that matches at least one fit rule (seeds/pql_fit_rules.csv):
    the sum of the matching rules' weights, and the rules in words, heaviest first, each text
    once (two matching rules that read the same, "120 employees" from both the small_team and
    the mid_market rule, list it once; both weights still count). -#}
with

attributes as (
    select * from {{ ref('int_pql_entity_attributes') }}
),

fit_rules as (
    select * from {{ ref('pql_fit_rules') }}
),

candidates as (
    select
        attributes.entity,
        attributes.entity_id,
        attributes.attribute_value,
        fit_rules.rule_id,
        fit_rules.operator,
        fit_rules.value as rule_value,
        fit_rules.weight,
        fit_rules.reason,
        {{ dbt.safe_cast('attributes.attribute_value', type_double()) }} as attribute_number,
        {{ dbt.safe_cast('fit_rules.value', type_double()) }} as rule_number
    from attributes
    inner join fit_rules
        on
            attributes.entity = fit_rules.entity
            and attributes.attribute_name = fit_rules.attribute
),

matches as (
    select
        entity,
        entity_id,
        rule_id,
        cast(weight as {{ type_double() }}) as weight,
        replace(reason, '{value}', attribute_value) as reason
    from candidates
    where
        case operator
            when '=' then attribute_value = lower(rule_value)
            when '!=' then attribute_value != lower(rule_value)
            when '>=' then attribute_number >= rule_number
            when '<=' then attribute_number <= rule_number
            when '>' then attribute_number > rule_number
            when '<' then attribute_number < rule_number
            when 'in'
                then
                    position(
                        '|' || attribute_value || '|' in '|' || lower(rule_value) || '|'
                    ) > 0
        end
),

-- one line per reason text, placed by its heaviest rule
reason_lines as (
    select
        entity,
        entity_id,
        reason,
        max(weight) as weight,
        min(rule_id) as rule_id
    from matches
    group by entity, entity_id, reason
),

scores as (
    select
        entity,
        entity_id,
        sum(weight) as fit_score
    from matches
    group by entity, entity_id
),

listed as (
    select
        entity,
        entity_id,
        {{ pql_ordered_listagg('reason', "'; '", 'weight desc, rule_id') }} as fit_reasons
    from reason_lines
    group by entity, entity_id
),

final as (
    select
        scores.entity,
        scores.entity_id,
        scores.fit_score,
        listed.fit_reasons
    from scores
    inner join listed
        on
            scores.entity = listed.entity
            and scores.entity_id = listed.entity_id
)

select * from final
