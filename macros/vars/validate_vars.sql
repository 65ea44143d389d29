{#- Check every var against pql_var_rules once, at the start of the run (on-run-start in
    dbt_project.yml; also `dbt run-operation validate_vars --vars '...'`). Fails with one line per
    bad var: its name, its value and what it accepts. Returns no SQL. -#}
{% macro validate_vars() %}
    {%- set problems = [] -%}
    {%- for rule in pql_var_rules() -%}
        {%- set problem = var_problem(rule, var(rule['name'])) -%}
        {%- if problem -%}
            {%- do problems.append(problem) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            'Invalid vars (dbt_project.yml vars or --vars; accepted values: docs/vars.md):\n  '
            ~ problems | join('\n  ')
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
