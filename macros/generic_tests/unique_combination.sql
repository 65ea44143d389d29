{#- Fails with every combination of `columns` that occurs more than once (nulls compare equal,
    so a grain with nullable parts is checked too). -#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
