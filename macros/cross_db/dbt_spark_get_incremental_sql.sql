{#- Override of dbt-spark's macro of the same name (a root-project macro wins over the
    adapter's): on a table that is not Delta/Iceberg/Hudi, Spark can neither delete nor merge,
    so delete+insert (pql_incremental_strategy on spark = insert_overwrite with a unique_key and
    no partition_by) is done as a keyed replacement:
      1. `<model>__pql_next` = the stored rows whose key is not in the batch, plus the batch;
      2. the model's table is dropped and `<model>__pql_next` renamed to it.
    Spark cannot overwrite a table it reads in the same statement, hence the second table. The
    whole table is rewritten on each run: right for CI and small tables; at scale use Delta
    (Databricks: file_format delta, where the adapter's own strategies apply).
    Every other strategy, or insert_overwrite with a partition_by, is dbt-spark's unchanged. -#}
{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {%- if strategy == 'insert_overwrite' and unique_key and not config.get('partition_by') -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {%- set next_relation = target.incorporate(path={"identifier": target.identifier ~ '__pql_next'}) -%}
        {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='quoted') | join(', ') -%}
        {%- call statement('pql_keyed_replacement_build') -%}
            drop table if exists {{ next_relation }}
        {%- endcall -%}
        {%- call statement('pql_keyed_replacement_build') -%}
            create table {{ next_relation }} using {{ config.get('file_format', 'parquet') }} as
            select {{ columns }}
            from {{ target }} as stored
            where not exists (
                select 1
                from {{ source }} as batch
                where
                    {%- for key in keys %}
                    batch.{{ key }} <=> stored.{{ key }}{{ ' and' if not loop.last }}
                    {%- endfor %}
            )
            union all
            select {{ columns }}
            from {{ source }}
        {%- endcall -%}
        {%- do adapter.drop_relation(existing) -%}
        alter table {{ next_relation }} rename to {{ target }}
    {%- elif strategy == 'append' -%}
        {{ get_insert_into_sql(source, target) }}
    {%- elif strategy == 'insert_overwrite' -%}
        {{ get_insert_overwrite_sql(source, target, existing) }}
    {%- elif strategy == 'microbatch' -%}
        {%- if not config.get('partition_by') -%}
            {{ exceptions.raise_compiler_error(
                "dbt-spark 'microbatch' incremental strategy requires a `partition_by` config.") }}
        {%- endif -%}
        {{ get_insert_overwrite_sql(source, target, existing) }}
    {%- elif strategy == 'merge' -%}
        {{ get_merge_sql(target, source, unique_key, dest_columns=none, incremental_predicates=incremental_predicates) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("No known SQL for the incremental strategy provided: " ~ strategy) }}
    {%- endif -%}
{% endmacro %}
