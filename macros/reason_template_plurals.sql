{#- The plural forms of reason templates resolved, as a chain of CTEs (docs/reason_templates.md).

    A reason template may write a number with its word in two forms, `{value:integration|integrations}`,
    `{window:day|days}` or `{threshold:project|projects}`: the number, a space, and the first form
    when the number shown is 1 (numbers are shown rounded to whole numbers), else the second.

    `config` is a CTE of the validated configuration (int_pql_config_validated or its twin).
    The chain ends in the CTE `reason_templates_resolved`, one row per definition and signal:
    definition_id, signal_id, reason_template, template_one (the template to
    render when the value shown is 1) and template_other (for any other value), where every
    plural placeholder has become `{value} <form>` (window and threshold: the form their own
    number takes), so rendering is the plain `{value}`, `{window}`, `{threshold}` replacement.

    Each step resolves the first plural placeholder left (every copy of it at once), with
    portable string functions only; `steps` is the most distinct plural placeholders a template
    may hold (the config validator refuses more). A malformed one (`{value:projects}`,
    `{value:a|b|c}`, an unknown name) is left as written, so the guard
    assert_pql_config_reason_templates_render finds it. -#}
{% macro reason_template_plurals(config, steps) -%}
{%- set key_list = 'definition_id, signal_id, reason_template' -%}
reason_templates_step_0 as (
    select distinct
        {{ key_list }},
        window_days,
        threshold,
        reason_template as template_one,
        reason_template as template_other
    from {{ config }}
),
{%- for step in range(1, steps + 1) %}
{%- set previous = 'reason_templates_step_' ~ (step - 1) %}

-- step {{ step }}: where the first plural placeholder left starts, and which one it is
reason_templates_found_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        {{ dbt.position("'{value:'", 'template_one') }} as value_at,
        {{ dbt.position("'{window:'", 'template_one') }} as window_at,
        {{ dbt.position("'{threshold:'", 'template_one') }} as threshold_at
    from {{ previous }}
),

reason_templates_first_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        case
            when value_at > 0 and (window_at = 0 or value_at < window_at) and (threshold_at = 0 or value_at < threshold_at)
                then 'value'
            when window_at > 0 and (threshold_at = 0 or window_at < threshold_at) then 'window'
            when threshold_at > 0 then 'threshold'
        end as placeholder_name,
        case
            when value_at > 0 and (window_at = 0 or value_at < window_at) and (threshold_at = 0 or value_at < threshold_at)
                then value_at + 7
            when window_at > 0 and (threshold_at = 0 or window_at < threshold_at) then window_at + 8
            when threshold_at > 0 then threshold_at + 11
        end as forms_at
    from reason_templates_found_{{ step }}
),

reason_templates_after_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        substring(template_one, coalesce(forms_at, 1)) as after_colon
    from reason_templates_first_{{ step }}
),

reason_templates_forms_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        case
            when {{ dbt.position("'}'", 'after_colon') }} > 1
                then substring(after_colon, 1, {{ dbt.position("'}'", 'after_colon') }} - 1)
            else ''
        end as forms
    from reason_templates_after_{{ step }}
),

reason_templates_split_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        {{ dbt.position("'|'", 'forms') }} as bar_at
    from reason_templates_forms_{{ step }}
),

reason_templates_chosen_{{ step }} as {{ cte_materialized() }} (
    select
        *,
        case when bar_at > 1 then substring(forms, 1, bar_at - 1) end as form_one,
        case when bar_at > 1 then substring(forms, bar_at + 1) end as form_other,
        placeholder_name is not null
        and bar_at > 1
        and bar_at < {{ dbt.length('forms') }}
        and {{ dbt.position("'|'", 'substring(forms, bar_at + 1)') }} = 0
        and {{ dbt.position("'{'", 'forms') }} = 0 as is_well_formed
    from reason_templates_split_{{ step }}
),

reason_templates_step_{{ step }} as {{ cte_materialized() }} (
    select
        {{ key_list }},
        window_days,
        threshold,
        case
            when is_well_formed
                then replace(
                    template_one,
                    '{' || placeholder_name || ':' || forms || '}',
                    '{' || placeholder_name || '} ' || case
                        when placeholder_name = 'value' then form_one
                        when placeholder_name = 'window' and window_days = 1 then form_one
                        when placeholder_name = 'threshold' and round(threshold) = 1 then form_one
                        else form_other
                    end
                )
            else template_one
        end as template_one,
        case
            when is_well_formed
                then replace(
                    template_other,
                    '{' || placeholder_name || ':' || forms || '}',
                    '{' || placeholder_name || '} ' || case
                        when placeholder_name = 'window' and window_days = 1 then form_one
                        when placeholder_name = 'threshold' and round(threshold) = 1 then form_one
                        else form_other
                    end
                )
            else template_other
        end as template_other
    from reason_templates_chosen_{{ step }}
),
{%- endfor %}

reason_templates_resolved as {{ cte_materialized() }} (
    select
        {{ key_list }},
        template_one,
        template_other
    from reason_templates_step_{{ steps }}
)
{%- endmacro %}

{#- The most distinct plural placeholders one reason template may hold: the steps of
    reason_template_plurals. The config validator (MAX_PLURAL_FORMS in
    int_pql_config_validated_py.py) refuses more; tests/test_reason_rules.py keeps the two equal. -#}
{% macro pql_reason_plural_limit() -%}
    {{ return(3) }}
{%- endmacro %}
