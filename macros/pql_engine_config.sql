{#- The threshold engine's configuration version, stored on every row of its incremental
    models (config_hash): a hash of every definition's version (int_pql_config_validated: the
    signals, thresholds, weights and windows of each definition) and the engine's var
    pql_signal_decay_weight. A query returning one row, one column. With with_tiers (the state
    history and the current state, the only models reading the tiers) the tier bands
    (seeds/pql_tiers.csv) too, so an edited tier rebuilds those two and nothing upstream.
    With current_from (the name of an engine model built earlier in this run) its config_hash:
    what the Python model int_pql_statuses_debounced compares with, as a Python model depends
    only on the relations it reads (the model is found in the graph, not by ref, so a hook in
    YAML adds no dependency). -#}
{% macro pql_engine_config_hash_query(with_tiers=false, current_from=none) -%}
    {%- if current_from is not none -%}
    {%- set upstream = graph.nodes.values() | selectattr('name', 'equalto', current_from) | first %}
    select max(config_hash) as config_hash from {{ upstream.relation_name }}
    {%- else -%}
    select
        {{ dbt.hash(dbt.concat([
            "coalesce(versions.version_list, '')",
            "'|" ~ var('pql_signal_decay_weight') ~ "'",
        ] + (["'|'", "coalesce(tier_bands.tier_list, '')"] if with_tiers else []))) }} as config_hash
    from (
        select {{ pql_ordered_listagg('definition_version', "','", 'definition_version') }} as version_list
        from (
            select distinct definition_version from {{ ref('int_pql_config_validated') }}
        ) as definition_versions
    ) as versions
    {%- if with_tiers %}
    cross join (
        select {{ pql_ordered_listagg('band', "','", 'band') }} as tier_list
        from (
            select
                {{ dbt.concat([
                    dbt.cast('tier', dbt.type_string()), "'='", dbt.cast('min_score', dbt.type_string())
                ]) }} as band
            from {{ ref('pql_tiers') }}
        ) as bands
    ) as tier_bands
    {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- True when an engine model rebuilds every entity: on a full build, and on an incremental run
    when a stored row carries another config_hash than the configuration now (a changed seed or
    var), so a configuration change never needs --full-refresh. Read while the model compiles,
    before its pre-hook (pql_engine_config_reset) removes the outdated rows. -#}
{% macro pql_engine_rebuilds(with_tiers=false, current_from=none) -%}
    {%- if not is_incremental() -%}
        {{ return(true) }}
    {%- endif -%}
    {%- if not execute or model.resource_type != 'model' -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set outdated = run_query(
        "select count(*) from " ~ this ~ " where config_hash != ("
        ~ pql_engine_config_hash_query(with_tiers, current_from) ~ ")"
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
{% macro pql_engine_config_reset(with_tiers=false, current_from=none) -%}
    {%- if is_incremental() and pql_engine_rebuilds(with_tiers, current_from) -%}
        {%- if pql_incremental_strategy() == 'delete+insert' -%}
            delete from {{ this }}
            where config_hash != ({{ pql_engine_config_hash_query(with_tiers, current_from) }})
        {%- else -%}
            truncate table {{ this }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
