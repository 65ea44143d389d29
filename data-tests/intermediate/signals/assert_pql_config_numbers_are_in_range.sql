-- SQL guard (docs/config_without_python.md): every number of the two PQL seeds is a number in
-- the validator's range (macro pql_config_bounds), so no cast fails and no window, threshold or
-- weight is absurd: score_threshold and min_fit_score 0 to 1e9, threshold above 0 to 1e9,
-- weight 0 to 1e6, and window_days (1 to 3650), lifespan_days, min_days_before_demotion and
-- cooldown_days (0 to 3650) whole numbers of days. Empty values are the other guard's concern.
-- One row per problem: file, definition, signal, column, the value and what is wrong.
{%- set bounds = pql_config_bounds() -%}
{%- set decimals = [
    ('pql_definitions', 'score_threshold', 0, bounds['score'], false),
    ('pql_definitions', 'min_fit_score', 0, bounds['score'], false),
    ('pql_signals', 'threshold', 0, bounds['count'], true),
    ('pql_signals', 'weight', 0, bounds['weight'], false),
] -%}
{%- set wholes = [
    ('pql_definitions', 'min_days_before_demotion', 0),
    ('pql_definitions', 'cooldown_days', 0),
    ('pql_signals', 'window_days', 1),
    ('pql_signals', 'lifespan_days', 0),
] -%}
{%- set checks = [] -%}
{%- for seed, column, low, high, above in decimals -%}
    {%- set number = dbt.safe_cast(column, type_double()) -%}
    {%- do checks.append((seed, column,
        number ~ ' is null or not (' ~ number ~ (' > ' if above else ' >= ') ~ low
            ~ ' and ' ~ number ~ ' <= ' ~ high ~ ')',
        'is not a number ' ~ ('above ' if above else 'from ') ~ low ~ ' to ' ~ high)) -%}
{%- endfor -%}
{%- for seed, column, low in wholes -%}
    {#- Digits only, at most 12 (as the validator reads a whole number), then the range. -#}
    {%- set digits_only = "translate(" ~ column ~ ", '0123456789', '') = '' and "
        ~ dbt.length(column) ~ " <= 12" -%}
    {%- set number = 'case when ' ~ digits_only ~ ' then cast(' ~ column ~ ' as '
        ~ dbt.type_bigint() ~ ') end' -%}
    {%- do checks.append((seed, column,
        'not (' ~ digits_only ~ ') or (' ~ number ~ ') not between ' ~ low ~ ' and ' ~ bounds['days'],
        'is not a whole number of days from ' ~ low ~ ' to ' ~ bounds['days'])) -%}
{%- endfor %}
with

rows_parsed as (
    select * from {{ ref('int_pql_config_rows_parsed') }}
),

problems as (
    {#- Definitions come first, so the first branch names the signal_id column. #}
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
            and {{ column }} is not null
            and ({{ condition }})
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from problems
