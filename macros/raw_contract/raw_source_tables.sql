{#- The raw tables of the contract, read from the sources YAML (every table of this project's
    sources with meta.pql_optional): one dict per table with `raw_table` (the source table name,
    which is the contract name, e.g. crm_accounts), `is_optional`, the source name, the source's
    unique id and the relation where the table should be. Needs the graph: returns an empty
    list where dbt gives none (while parsing, and inside unit tests). -#}
{% macro raw_source_tables() -%}
    {%- set tables = [] -%}
    {%- for node in (graph.get('sources') or {}).values() if node.package_name == project_name -%}
        {%- set meta = {} -%}
        {%- do meta.update(node.meta or {}) -%}
        {%- do meta.update((node.config or {}).get('meta') or {}) -%}
        {%- if 'pql_optional' in meta -%}
            {%- do tables.append({
                'raw_table': node.name,
                'is_optional': meta['pql_optional'] is sameas true,
                'source_name': node.source_name,
                'unique_id': node.unique_id,
                'relation': api.Relation.create(database=node.database, schema=node.schema, identifier=node.identifier),
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables | sort(attribute='raw_table')) }}
{%- endmacro %}
