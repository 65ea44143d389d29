{#- A var's value after checking it against its rule in pql_var_rules, for model code that puts
    the value into SQL text (an identifier) and must be safe even when run without the
    on-run-start check (dbt compile, dbt show), or at parse time before the run-start check.
    When it is bad, fails with validate_vars' message for every bad var. -#}
{% macro validated_var(name) %}
    {%- set rules = pql_var_rules() | selectattr('name', 'equalto', name) | list -%}
    {%- if rules | length != 1 -%}
        {{ exceptions.raise_compiler_error('validated_var: no rule for var ' ~ name ~ ' in macros/vars/pql_var_rules.sql') }}
    {%- endif -%}
    {%- if var_problem(rules[0], var(name)) -%}
        {#- Report every bad var at once, as the run-start check would. -#}
        {%- do validate_vars() -%}
    {%- endif -%}
    {{ return(var(name)) }}
{% endmacro %}
