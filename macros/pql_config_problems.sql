{#- The rows of the config guard tests: for each (seed, column, condition, problem) check, the
    parsed config rows of that seed where the condition holds, as one row per problem with the
    file, definition, signal, column, the value as written and what is wrong. Definitions come
    first in `checks`, so the first branch names the signal_id column. -#}
{% macro pql_config_problems(checks) -%}
with

rows_parsed as (
    select * from {{ ref('int_pql_config_rows_parsed') }}
),

problems as (
    {%- for seed, column, condition, problem in checks %}
        {%- set null_text = dbt.cast('null', dbt.type_string()) %}
        {%- set signal_id = 'signal_id' if seed == 'pql_signals' else null_text ~ ' as signal_id' %}
        select distinct
            'seeds/{{ seed }}.csv' as file_name,
            definition_id,
            {{ signal_id }},
            '{{ column }}' as column_name,
            {{ column }} as value_as_written,
            '{{ problem }}' as problem
        from rows_parsed
        where
            {{ 'has_signal_row' if seed == 'pql_signals' else 'has_definition_row' }}
            and ({{ condition }})
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from problems
{%- endmacro %}
