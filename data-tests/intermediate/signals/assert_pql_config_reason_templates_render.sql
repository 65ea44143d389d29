-- SQL guard (docs/config_without_python.md): every reason template renders, that is, once its
-- plural forms are resolved (macro reason_template_plurals) and {value}, {window} and
-- {threshold} filled in, no curly brace is left: no unknown placeholder ({count}), no
-- malformed plural ({value:projects}, {value:a|b|c}, {value:|s}), no more different plural
-- placeholders than pql_reason_plural_limit(), no unmatched brace. One row per signal whose
-- template does not.
{%- set filled -%}
    replace(replace(replace(template_other, '{value}', ''), '{window}', ''), '{threshold}', '')
{%- endset %}
with

config as (
    select * from {{ ref('int_pql_config_validated_sql') }}
),

{{ reason_template_plurals('config', pql_reason_plural_limit()) }},

problems as (
    select
        'seeds/pql_signals.csv' as file_name,
        definition_id,
        signal_id,
        'reason_template' as column_name,
        reason_template as value_as_written,
        'has an unknown or malformed placeholder or an unmatched curly brace; use {value}, '
        || '{window}, {threshold} or {name:singular|plural} (e.g. {value:project|projects}), '
        || 'at most {{ pql_reason_plural_limit() }} different plural ones' as problem
    from reason_templates_resolved
    where
        {{ dbt.position("'{'", filled) }} > 0
        or {{ dbt.position("'}'", filled) }} > 0
)

select * from problems
