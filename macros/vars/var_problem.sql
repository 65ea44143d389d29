{#- What is wrong with one var's value under its rule (see pql_var_rules): a sentence naming the
    var, the value (as JSON, so the string "false" shows its quotes) and what is expected; an
    empty string when the value is fine. -#}
{% macro var_problem(rule, value) %}
    {%- set kind = rule['kind'] -%}
    {%- set low = rule.get('min') -%}
    {%- set high = rule.get('max') -%}
    {%- set range_text = (' from ' ~ low ~ ' to ' ~ high) if low is not none else '' -%}
    {%- set expected = {
        'boolean': 'true or false (a YAML boolean, not a string or a number)',
        'integer': 'an integer' ~ range_text,
        'number': 'a finite number' ~ range_text,
        'identifier': 'a warehouse name of letters, digits, _, $ or - (quotes, dots, spaces and other characters are refused: they could break out of the quoted name)',
        'event_name': 'a normalised event name: lowercase letters of any script, digits and _',
        'choice': 'one of the strings',
        'date': 'a date written YYYY-MM-DD',
        'string_list': ('a list' if rule.get('allow_empty') else 'a non-empty list') ~ ' of distinct non-empty strings',
        'integer_list': 'a non-empty list of distinct integers' ~ range_text,
    }[kind] -%}
    {%- if rule.get('values') -%}
        {%- set expected = expected ~ ' among ' ~ rule['values'] | join(', ') -%}
    {%- endif -%}
    {%- if rule.get('ascending') -%}
        {%- set expected = expected ~ ', in ascending order' -%}
    {%- endif -%}
    {%- if rule.get('nullable') -%}
        {%- set expected = expected ~ ', or null' -%}
    {%- endif -%}
    {%- if rule.get('one_of_var') -%}
        {%- set expected = expected ~ ', and one of var ' ~ rule['one_of_var'] ~ ' ' ~ tojson(var(rule['one_of_var'])) -%}
    {%- endif -%}

    {%- set is_list = value is iterable and value is not string and value is not mapping -%}
    {%- set items = (value if is_list else [value]) | list -%}
    {%- set ns = namespace(ok=true) -%}
    {%- if value is none -%}
        {%- set ns.ok = rule.get('nullable', false) -%}
    {%- elif kind == 'boolean' -%}
        {%- set ns.ok = value is sameas true or value is sameas false -%}
    {%- elif kind in ('identifier', 'event_name') -%}
        {%- set pattern = '^[\\w$-]+$' if kind == 'identifier' else '^\\w+$' -%}
        {%- set ns.ok = value is string and value | length <= 255
            and modules.re.match(pattern, value) is not none
            and (kind == 'identifier' or value == value | lower) -%}
    {%- elif kind == 'date' -%}
        {%- set ns.ok = value is string and modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', value) is not none -%}
    {%- elif kind == 'choice' -%}
        {%- set ns.ok = value is string and value in rule['values'] -%}
    {%- elif kind in ('string_list', 'integer_list') and not (is_list
            and (items | length > 0 or rule.get('allow_empty'))
            and items | unique | list | length == items | length) -%}
        {%- set ns.ok = false -%}
    {%- elif kind in ('integer', 'number') and is_list -%}
        {%- set ns.ok = false -%}
    {%- endif -%}
    {%- if ns.ok and value is not none and kind not in ('boolean', 'identifier', 'event_name', 'choice', 'date') -%}
        {%- for item in items -%}
            {%- if kind == 'string_list' -%}
                {%- if not (item is string and item | trim | length > 0) -%}
                    {%- set ns.ok = false -%}
                {%- elif rule.get('values') and item not in rule['values'] -%}
                    {%- set ns.ok = false -%}
                {%- endif -%}
            {%- else -%}
                {#- Jinja's `integer` and `float` tests exclude true and false. -#}
                {%- set is_numeric = item is integer or (kind == 'number' and item is float) -%}
                {%- if not is_numeric or item - item != 0 -%}
                    {%- set ns.ok = false -%}
                {%- elif (low is not none and item < low) or (high is not none and item > high) -%}
                    {%- set ns.ok = false -%}
                {%- elif rule.get('ascending') and not loop.first and item <= items[loop.index0 - 1] -%}
                    {%- set ns.ok = false -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if ns.ok and value is not none and rule.get('one_of_var') -%}
        {%- set others = var(rule['one_of_var']) -%}
        {%- set ns.ok = others is iterable and others is not string and value in others -%}
    {%- endif -%}
    {{ return('' if ns.ok else 'var ' ~ rule['name'] ~ ' = ' ~ tojson(value) ~ ': expected ' ~ expected) }}
{% endmacro %}
