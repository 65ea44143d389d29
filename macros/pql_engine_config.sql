{#- The threshold engine's configuration version, stored on every row of its incremental
    models (config_hash): a hash of every definition's version (int_pql_config_validated: the
    signals, thresholds, weights and windows of each definition) and the engine's var
    pql_signal_decay_weight. A query returning one row, one column. (The tiers are read only by
    int_pql_states_evaluated, which is rebuilt on every run.) -#}
{% macro pql_engine_config_hash_query() -%}
    select
        {{ dbt.hash(dbt.concat([
            "coalesce(versions.version_list, '')",
            "'|" ~ var('pql_signal_decay_weight') ~ "'",
        ])) }} as config_hash
    from (
        select {{ pql_ordered_listagg('definition_version', "','", 'definition_version') }} as version_list
        from (
            select distinct definition_version from {{ ref('int_pql_config_validated') }}
        ) as definition_versions
    ) as versions
{%- endmacro %}

{#- True when an engine model rebuilds every entity: on a full build, and on an incremental run
    when a stored row carries another config_hash than the configuration now (a changed seed or
    var), so a configuration change never needs --full-refresh. Read while the model compiles,
    before its pre-hook (pql_engine_config_reset) removes the outdated rows. -#}
{% macro pql_engine_rebuilds() -%}
    {%- if not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute or model.resource_type != 'model' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set outdated = run_query(
        "select count(*) from " ~ this ~ " where config_hash != (" ~ pql_engine_config_hash_query() ~ ")"
    ).columns[0].values()[0] -%}
    {{ return(outdated > 0) }}
{%- endmacro %}

{#- The pre-hook of the engine's incremental models. Nothing on a full build or on an ordinary
    incremental run; only when the configuration changed (pql_engine_rebuilds) does it remove
    the stored rows made under another configuration, which the run then rebuilds in full.
    Where the keyed strategy is delete+insert (DuckDB, PostgreSQL, Databricks on Delta) that is
    a delete of those rows. dbt-spark's tables without Delta cannot delete (pql's strategy there
    is the keyed replacement of insert_overwrite): there the table is truncated, which is the
    same, since a run stamps the configuration now on every row it writes and every row of a
    table is either rebuilt or untouched, so all its rows carry one config_hash. -#}
{% macro pql_engine_config_reset() -%}
    {%- if is_incremental() and pql_engine_rebuilds() -%}
        {%- if pql_incremental_strategy() == 'delete+insert' -%}
            delete from {{ this }}
            where config_hash != ({{ pql_engine_config_hash_query() }})
        {%- else -%}
            truncate table {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
