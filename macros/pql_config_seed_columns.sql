{#- The columns of the two PQL configuration seeds the SQL path reads, as the Python validator
    (int_pql_config_validated_py.SEEDS) specifies them, for int_pql_config_rows_parsed.
    tests/test_config_parity.py fails when the two drift apart. `later` columns were
    added after a seed's first release: a file may leave them out, and an empty one stays out
    of definition_version. -#}
{% macro pql_config_seed_columns() -%}
    {{ return({
        'pql_definitions': {
            'file': 'seeds/pql_definitions.csv',
            'columns': ['definition_id', 'entity', 'motion', 'score_threshold', 'required_signals',
                        'min_fit_score', 'min_days_before_demotion', 'cooldown_days', 'description'],
            'later': [],
        },
        'pql_signals': {
            'file': 'seeds/pql_signals.csv',
            'columns': ['definition_id', 'signal_id', 'category', 'event_names', 'property_filter',
                        'page_path_prefix', 'page_host', 'aggregation', 'property_key',
                        'window_days', 'threshold', 'threshold_max', 'weight', 'disqualifies',
                        'lifespan_days', 'reason_template'],
            'later': ['page_host', 'threshold_max', 'disqualifies'],
        },
    }) }}
{%- endmacro %}
