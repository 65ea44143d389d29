{#- The plural forms of reason templates resolved (docs/reason_templates.md).

    A reason template may write a number with its word in two forms, `{value:integration|integrations}`,
    `{window:day|days}` or `{threshold:project|projects}`: the number, a space, and the first form
    when the number shown is 1 (numbers are shown rounded to whole numbers), else the second.

    `config` is a CTE of the validated configuration (int_pql_config_validated or its twin).
    The CTEs written here end in `reason_templates_resolved`, one row per definition and signal:
    definition_id, signal_id, reason_template, template_one (the template to render when the
    value shown is 1) and template_other (for any other value), where every plural placeholder
    has become `{value} <form>` (window and threshold: the form their own number takes), so
    rendering is the plain `{value}`, `{window}`, `{threshold}` replacement.

    Each template is cut at every `{` (macro text_parts: one row per part, in order); a part that
    starts with `value:`, `window:` or `threshold:` is a plural placeholder up to its first `}`.
    Every part is read once, from the template as written, and the template is put back
    together with one ordered string aggregation: no expression reads another's result text,
    so what a query planner sees does not grow with the number of placeholders (a chain of
    replace steps did, exponentially once a planner inlined it). `steps` is the most distinct
    plural placeholders resolved, in order of first appearance, every copy of each (the config
    validator refuses more). A malformed one (`{value:projects}`, `{value:a|b|c}`, no closing
    brace) is left as written, and so is every plural placeholder first written after it, so
    the guard assert_pql_config_reason_templates_render finds it. -#}
{% macro reason_template_plurals(config, steps) -%}
{%- set template_key = 'definition_id, signal_id, reason_template, window_days, threshold' -%}
reason_template_rows as (
    select distinct {{ template_key }}
    from {{ config }}
),

-- every part after the first starts just after a '{' and holds none
reason_template_parts as (
    {{ text_parts('reason_template_rows', 'reason_template', '{') }}
),

reason_template_part_marks as (
    select
        *,
        {{ dbt.position("':'", 'part_text') }} as colon_at,
        {{ dbt.position("'}'", 'part_text') }} as close_at
    from reason_template_parts
),

-- a plural placeholder's name and its forms: the text from the colon to the first '}'
reason_template_part_forms as (
    select
        *,
        case
            when placeholder_name is not null and close_at > colon_at
                then substring(part_text, colon_at + 1, close_at - colon_at - 1)
        end as forms
    from (
        select
            *,
            case
                when part_number > 1 and colon_at > 1
                    and substring(part_text, 1, colon_at - 1) in ('value', 'window', 'threshold')
                    then substring(part_text, 1, colon_at - 1)
            end as placeholder_name
        from reason_template_part_marks
    ) as named_parts
),

-- exactly two forms, neither empty
reason_template_part_checked as (
    select
        *,
        case
            when bar_at > 1 then substring(forms, 1, bar_at - 1)
        end as form_one,
        case
            when bar_at > 1 then substring(forms, bar_at + 1)
        end as form_other,
        coalesce(
            bar_at > 1
            and bar_at < {{ dbt.length('forms') }}
            and {{ dbt.position("'|'", 'substring(forms, bar_at + 1)') }} = 0,
            false
        ) as is_well_formed,
        case
            when placeholder_name is not null then substring(part_text, 1, close_at)
        end as placeholder_text
    from (
        select
            *,
            {{ dbt.position("'|'", 'forms') }} as bar_at
        from reason_template_part_forms
    ) as split_parts
),

-- where each placeholder first appears, and the first malformed one
reason_template_part_firsts as (
    select
        *,
        min(part_number) over (
            partition by {{ template_key }}, placeholder_text
        ) as first_seen_at,
        min(case when placeholder_name is not null and not is_well_formed then part_number end) over (
            partition by {{ template_key }}
        ) as first_malformed_at
    from reason_template_part_checked
),

-- the distinct well-formed placeholders before any malformed one, numbered by first appearance
reason_template_part_resolved as (
    select
        *,
        is_well_formed
        and (first_malformed_at is null or first_seen_at < first_malformed_at)
        and dense_rank() over (
            partition by {{ template_key }}, is_well_formed
            order by first_seen_at
        ) <= {{ steps }} as is_resolved
    from reason_template_part_firsts
),

-- each part as it reads when the value shown is 1, and when it is any other number
reason_template_pieces as (
    select
        {{ template_key }},
        part_number,
        case
            when is_resolved
                then '{' || placeholder_name || '} ' || case
                    when placeholder_name = 'value' then form_one
                    when placeholder_name = 'window' and window_days = 1 then form_one
                    when placeholder_name = 'threshold' and round(threshold) = 1 then form_one
                    else form_other
                end || substring(part_text, close_at + 1)
            when part_number = 1 then part_text
            else '{' || part_text
        end as piece_one,
        case
            when is_resolved
                then '{' || placeholder_name || '} ' || case
                    when placeholder_name = 'window' and window_days = 1 then form_one
                    when placeholder_name = 'threshold' and round(threshold) = 1 then form_one
                    else form_other
                end || substring(part_text, close_at + 1)
            when part_number = 1 then part_text
            else '{' || part_text
        end as piece_other
    from reason_template_part_resolved
),

reason_templates_resolved as (
    select
        definition_id,
        signal_id,
        reason_template,
        case
            when reason_template is not null
                then {{ pql_ordered_listagg('piece_one', "''", 'part_number') }}
        end as template_one,
        case
            when reason_template is not null
                then {{ pql_ordered_listagg('piece_other', "''", 'part_number') }}
        end as template_other
    from reason_template_pieces
    group by {{ template_key }}
)
{%- endmacro %}

{#- The most distinct plural placeholders one reason template may hold: the steps of
    reason_template_plurals. The config validator (MAX_PLURAL_FORMS in
    int_pql_config_validated_py.py) refuses more; tests/test_reason_rules.py keeps the two equal. -#}
{% macro pql_reason_plural_limit() -%}
    {{ return(3) }}
{%- endmacro %}
