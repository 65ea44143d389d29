{#- on-run-start: creates the helper functions an adapter needs for pql's never-raising parsers
    (safe casts, JSON), in the target schema; returns the SQL to run (nothing on adapters that
    need none). PostgreSQL has no try_cast and no non-raising JSON parse before version 16, so
    pql_try_jsonb and pql_try_timestamptz catch the parse error and return null instead (an
    exception block opens a subtransaction, so they are parallel unsafe, the default). -#}
{% macro pql_engine_functions() -%}
    {{ return(adapter.dispatch('pql_engine_functions', 'pql')()) }}
{%- endmacro %}

{% macro default__pql_engine_functions() -%}
{%- endmacro %}

{% macro postgres__pql_engine_functions() -%}
    create schema if not exists {{ adapter.quote(target.schema) }};
    create or replace function {{ pql_function('pql_try_jsonb') }}(value text) returns jsonb
    language plpgsql immutable as $pql$
    begin
        return value::jsonb;
    exception when others then
        return null;
    end
    $pql$;
    {#- The session time zone is pinned to UTC, so text without an offset is read as UTC. -#}
    create or replace function {{ pql_function('pql_try_timestamptz') }}(value text) returns timestamptz
    language plpgsql immutable set timezone = 'UTC' as $pql$
    begin
        return value::timestamptz;
    exception when others then
        return null;
    end
    $pql$;
{%- endmacro %}

{#- The qualified name of a helper function created by pql_engine_functions(). -#}
{% macro pql_function(name) -%}
    {{ adapter.quote(target.schema) }}.{{ name }}
{%- endmacro %}
