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

{#- The pre-hook of the engine's incremental models: on an incremental run, delete the stored
    rows made under another configuration (all of them when the configuration changed), which
    the run then rebuilds in full (pql_engine_rebuilds). -#}
{% macro pql_engine_config_reset() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where config_hash != ({{ pql_engine_config_hash_query() }})
    {%- endif -%}
{%- endmacro %}
