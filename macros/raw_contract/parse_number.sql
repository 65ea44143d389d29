{#- Text as a number of the wanted SQL type, never an error. Accepted: digits with an optional
    sign, decimal point and exponent (`49`, `-3.5`, `1e3`), plus the common money forms - one
    currency symbol ($, €, £) and spaces anywhere, commas as thousands separators
    (`1,000.00`, `$49`, `€ 1,200`). A decimal comma after a point (`1.000,00`) and anything
    else (`50-100`, `NaN`, `Infinity`, `1e300` beyond the type's range) is null; the caller
    records the row as `unparseable_number`. -#}
{% macro parse_number(column, type) -%}
    {{ return(adapter.dispatch('parse_number', 'pql')(column, type)) }}
{%- endmacro %}

{% macro default__parse_number(column, type) -%}
    {%- set text = 'trim(' ~ column ~ ')' -%}
    {%- set stripped = namespace(sql=text) -%}
    {%- for symbol in ['$', '€', '£', ',', ' '] -%}
        {%- set stripped.sql = dbt.replace(stripped.sql, "'" ~ symbol ~ "'", "''") -%}
    {%- endfor -%}
    case
        when {{ dbt.position("','", text) }} > 0
            and {{ dbt.position("'.'", text) }} > 0
            and {{ dbt.position("','", text) }} > {{ dbt.position("'.'", text) }}
            then null
        else {{ dbt.safe_cast(stripped.sql, type) }}
    end
{%- endmacro %}
