{#- The rows of `relation` (with definition_id and entity_id) of the entities in the CTE
    touched_entities: what an incremental engine model recomputes this run; every row on a
    rebuild. -#}
{% macro pql_engine_touched_rows(relation, rebuild=false) -%}
    {%- if rebuild -%}
    select * from {{ relation }}
    {%- else -%}
    select *
    from {{ relation }} as stored
    where exists (
        select 1
        from touched_entities
        where
            touched_entities.definition_id = stored.definition_id
            and touched_entities.entity_id = stored.entity_id
    )
    {%- endif -%}
{%- endmacro %}
