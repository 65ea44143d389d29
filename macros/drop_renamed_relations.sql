{#- Drop the relations a pql upgrade left behind under a model's old name (CHANGELOG.md,
    Upgrading): dbt never drops a relation it no longer has a model for.
    `dbt run-operation drop_renamed_relations --args '{dry_run: true}'` lists them first. -#}
{% macro drop_renamed_relations(dry_run=false) %}
    {#- old name, the layer (custom schema) it was built in, the name that replaced it -#}
    {%- set renamed = [
        {'old': 'int_events_deduplicated', 'layer': 'intermediate', 'new': 'int_events_resolved'},
        {'old': 'int_user_usage_windows', 'layer': 'intermediate', 'new': 'int_usage_windows'},
        {'old': 'int_account_usage_windows', 'layer': 'intermediate', 'new': 'int_usage_windows'},
        {'old': 'int_user_activity_daily', 'layer': 'intermediate', 'new': 'int_activity_daily'},
        {'old': 'int_account_activity_daily', 'layer': 'intermediate', 'new': 'int_activity_daily'},
        {'old': 'int_user_milestones_reached', 'layer': 'intermediate', 'new': 'int_milestones_reached'},
        {'old': 'int_account_milestones_reached', 'layer': 'intermediate', 'new': 'int_milestones_reached'},
    ] -%}
    {%- set dropped = [] -%}
    {%- for rename in renamed -%}
        {%- set schema = generate_schema_name(rename.layer, none) | trim -%}
        {%- set relation = adapter.get_relation(
            database=target.database, schema=schema, identifier=rename.old
        ) -%}
        {%- set name = schema ~ '.' ~ rename.old ~ ' (now ' ~ rename.new ~ ')' -%}
        {%- if relation is none -%}
            {{ log('drop_renamed_relations: not present: ' ~ name, info=true) }}
        {%- elif dry_run -%}
            {{ log('drop_renamed_relations: would drop ' ~ relation.type ~ ' ' ~ name, info=true) }}
        {%- else -%}
            {%- do run_query(get_drop_sql(relation)) -%}
            {%- do dropped.append(relation) -%}
            {{ log('drop_renamed_relations: dropped ' ~ relation.type ~ ' ' ~ name, info=true) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if dropped -%}
        {%- do adapter.commit() -%}
    {%- endif -%}
{% endmacro %}
