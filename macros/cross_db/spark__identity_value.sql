{#- identity_value on Spark: the placeholders as one array from a scalar subquery, instead of
    `not in (subquery)` in a projection, which Spark 4 fails to run when the subquery reads a
    union (as a unit-test fixture does: ClassCastException on UnionExec.children in the task).
    Same result: a null or placeholder value is null, any other value is kept trimmed. -#}
{% macro spark__identity_value(column) -%}
    case
        when not array_contains(
            (
                select collect_set(lower(placeholders.identity_value))
                from {{ ref('placeholder_identity_values') }} as placeholders
                where placeholders.identity_value is not null
            ),
            lower({{ clean_text(column) }})
        )
            then {{ clean_text(column) }}
    end
{%- endmacro %}
