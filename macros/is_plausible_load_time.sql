{#- True when `column` is a load time pql believes: not null, not before
    earliest_plausible_time() and not after latest_plausible_load_time(). Only such rows count
    toward an incremental high-water mark (incremental_since) or toward identity. -#}
{% macro is_plausible_load_time(column) -%}
    ({{ column }} >= {{ earliest_plausible_time() }} and {{ column }} <= {{ latest_plausible_load_time() }})
{%- endmacro %}
