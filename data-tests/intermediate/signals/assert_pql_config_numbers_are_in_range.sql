-- SQL guard (docs/config_without_python.md): every number of the two PQL seeds is a number in
-- the validator's range (macro pql_config_bounds), so no cast fails and no window, threshold or
-- weight is absurd: score_threshold and min_fit_score 0 to 1e9, threshold above 0 to 1e9,
-- threshold_max above 0 to 1e9 and not below threshold, weight -1e6 to 1e6, and window_days
-- (1 to 3650), lifespan_days, min_days_before_demotion and cooldown_days (0 to 3650) whole
-- numbers of days. Empty values are the other guard's concern.
-- One row per problem: file, definition, signal, column, the value and what is wrong.
{%- set bounds = pql_config_bounds() -%}
{%- set decimals = [
    ('pql_definitions', 'score_threshold', 0, bounds['score'], false),
    ('pql_definitions', 'min_fit_score', 0, bounds['score'], false),
    ('pql_signals', 'threshold', 0, bounds['count'], true),
    ('pql_signals', 'threshold_max', 0, bounds['count'], true),
    ('pql_signals', 'weight', -bounds['weight'], bounds['weight'], false),
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
{%- set threshold_max = dbt.safe_cast('threshold_max', type_double()) -%}
{%- do checks.append(('pql_signals', 'threshold_max',
    threshold_max ~ ' < ' ~ dbt.safe_cast('threshold', type_double()),
    'is below threshold, so the signal never fires')) -%}
{#- A number check applies to a value that is there; required values are another guard's. -#}
{%- set present = [] -%}
{%- for seed, column, condition, problem in checks -%}
    {%- do present.append((seed, column, column ~ ' is not null and (' ~ condition ~ ')', problem)) -%}
{%- endfor %}
{{ pql_config_problems(present) }}
