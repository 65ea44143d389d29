{#- A column type written the portable way in pql's YAML (seed column_types, contract
    data_type), as Spark spells it: Spark rejects `varchar` without a length, and its string
    type is `string`. Any other type is returned as given. -#}
{% macro spark_data_type(data_type) -%}
    {%- set normalised = (data_type | string).strip().lower() -%}
    {{- return('string' if normalised in ['varchar', 'text', 'character varying', 'char', 'character'] else data_type) -}}
{%- endmacro %}
