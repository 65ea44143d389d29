{#- The fit score of every entity that matches at least one fit rule (seeds/pql_fit_rules.csv):
    the sum of the matching rules' weights, and the rules in words, heaviest first. -#}
with

attributes as (
    select * from {{ ref('int_pql_entity_attributes') }}
),

fit_rules as (
    select * from {{ ref('pql_fit_rules') }}
),

matches as (
    select
        attributes.entity,
        attributes.entity_id,
        fit_rules.rule_id,
        cast(fit_rules.weight as {{ dbt.type_numeric() }}) as weight,
        replace(fit_rules.reason, '{value}', attributes.attribute_value) as reason
    from attributes
    inner join fit_rules
        on
            attributes.entity = fit_rules.entity
            and attributes.attribute_name = fit_rules.attribute
    where
        case fit_rules.operator
            when '=' then attributes.attribute_value = lower(fit_rules.value)
            when '!=' then attributes.attribute_value != lower(fit_rules.value)
            when '>='
                then {{ dbt.safe_cast('attributes.attribute_value', dbt.type_numeric()) }}
                >= cast(fit_rules.value as {{ dbt.type_numeric() }})
            when '<='
                then {{ dbt.safe_cast('attributes.attribute_value', dbt.type_numeric()) }}
                <= cast(fit_rules.value as {{ dbt.type_numeric() }})
            when '>'
                then {{ dbt.safe_cast('attributes.attribute_value', dbt.type_numeric()) }}
                > cast(fit_rules.value as {{ dbt.type_numeric() }})
            when '<'
                then {{ dbt.safe_cast('attributes.attribute_value', dbt.type_numeric()) }}
                < cast(fit_rules.value as {{ dbt.type_numeric() }})
            when 'in'
                then
                    position(
                        '|' || attributes.attribute_value || '|'
                        in '|' || lower(fit_rules.value) || '|'
                    ) > 0
        end
),

final as (
    select
        entity,
        entity_id,
        sum(weight) as fit_score,
        {{ pql_ordered_listagg('reason', "'; '", 'weight desc, rule_id') }} as fit_reasons
    from matches
    group by entity, entity_id
)

select * from final
