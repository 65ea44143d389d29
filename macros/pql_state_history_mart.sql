{#- The body of fct_pql_state_history (entity user) and fct_pqa_state_history (entity account):
    the engine's state history for one entity type, typed for the contract. -#}
{% macro pql_state_history_mart(entity) -%}
with

history as (
    select * from {{ ref('int_pql_states_evaluated') }}
    where entity = '{{ entity }}'
),

final as (
    select
        state_id,
        entity_id as {{ entity }}_id,
        definition_id,
        definition_version,
        motion,
        valid_from,
        valid_to,
        change_type,
        status,
        status = 'qualified' as is_qualified,
        cast(score as {{ dbt.type_numeric() }}) as score,
        cast(score_threshold as {{ dbt.type_numeric() }}) as score_threshold,
        tier,
        cast(fit_score as {{ dbt.type_numeric() }}) as fit_score,
        fit_reasons,
        reasons,
        signals_fired,
        cast(signals_fired_count as {{ dbt.type_int() }}) as signals_fired_count,
        hold_ends_on
    from history
)

select * from final
{%- endmacro %}
