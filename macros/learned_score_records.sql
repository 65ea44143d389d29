{#- The rows of int_learned_score_fitted (the Python learned-score model) of one record type,
    as the named columns with their types; on a target without Python models, or with var
    pql_learned_score_enabled false, the same typed columns with no rows, so the models that
    read them (and the PQL/PQA marts) build everywhere. columns: [name, type] pairs. -#}
{% macro learned_score_records(record_type, columns) -%}
    {%- if var('pql_learned_score_enabled') and pql_python_models_supported() %}
        select
            {%- for name, type in columns %}
                cast({{ name }} as {{ type }}) as {{ name }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ ref('int_learned_score_fitted') }}
        where record_type = '{{ record_type }}'
    {%- else %}
        select
            {%- for name, type in columns %}
                cast(null as {{ type }}) as {{ name }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        {#- no rows: the score is off or cannot run on this target #}
        from (select 1 as no_row) as nothing
        where 1 = 0
    {%- endif %}
{%- endmacro %}
