{#- The bounds the configuration validator (int_pql_config_validated_py: MAX_DAYS, MAX_WEIGHT,
    MAX_SCORE, MAX_COUNT) checks numbers against, for the SQL guards. tests/test_config_parity.py
    fails when they drift apart. -#}
{% macro pql_config_bounds() -%}
    {{ return({'days': 3650, 'weight': 1000000, 'score': 1000000000, 'count': 1000000000}) }}
{%- endmacro %}
