{#- snake_case an event name as sent, in any script: " Project  Created " / "ProjectCreated" /
    "project-created" all become project_created; "Événement créé" becomes événement_créé and an
    Arabic or Chinese name keeps its letters. The text is Unicode-normalised (NFC) where the
    warehouse can, camelCase boundaries split first, then every run of characters that are not
    letters, digits or combining marks becomes one underscore, and leading/trailing underscores go.
    Each adapter gets its own regex dialect: RE2 (DuckDB, BigQuery) and Java (Spark) know Unicode
    classes; PostgreSQL and Snowflake use POSIX classes. -#}
{% macro normalize_event_name(column) -%}
    {{ return(adapter.dispatch('normalize_event_name', 'pql')(column)) }}
{%- endmacro %}

{% macro default__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(trim({{ column }}), r'([\p{Ll}\p{N}])(\p{Lu})', r'\1_\2')),
                r'[^\p{L}\p{N}\p{M}]+', '_'
            ),
            r'^_+|_+$', ''
        ),
        ''
    )
{%- endmacro %}

{% macro duckdb__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(nfc_normalize(trim({{ column }})), '([\p{Ll}\p{N}])(\p{Lu})', '\1_\2', 'g')),
                '[^\p{L}\p{N}\p{M}]+', '_', 'g'
            ),
            '^_+|_+$', '', 'g'
        ),
        ''
    )
{%- endmacro %}

{% macro spark__normalize_event_name(column) -%}
    {#- Java regex: back-references are $1, and string literals unescape backslashes once.
        NFC through ICU4J, which Spark 4 ships (Spark SQL has no normalize function); the
        static method throws on null, hence the case. #}
    {%- set trimmed = 'trim(' ~ column ~ ')' -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(
                    case when {{ trimmed }} is not null
                        then reflect('com.ibm.icu.text.Normalizer', 'compose', {{ trimmed }}, false)
                    end,
                    '([\\p{Ll}\\p{N}])(\\p{Lu})', '$1_$2'
                )),
                '[^\\p{L}\\p{N}\\p{M}]+', '_'
            ),
            '^_+|_+$', ''
        ),
        ''
    )
{%- endmacro %}

{% macro postgres__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(normalize(trim({{ column }}), nfc), '([[:lower:][:digit:]])([[:upper:]])', '\1_\2', 'g')),
                '[^[:alnum:]]+', '_', 'g'
            ),
            '^_+|_+$', '', 'g'
        ),
        ''
    )
{%- endmacro %}

{% macro snowflake__normalize_event_name(column) -%}
    nullif(
        regexp_replace(
            regexp_replace(
                lower(regexp_replace(trim({{ column }}), '([[:lower:][:digit:]])([[:upper:]])', '\\1_\\2')),
                '[^[:alnum:]]+', '_'
            ),
            '^_+|_+$', ''
        ),
        ''
    )
{%- endmacro %}
