{#- What every var in dbt_project.yml accepts, one line per var; validate_vars checks them all at
    the start of every run. kind: boolean | integer | number | identifier | event_name | date
    | choice (a string among values) | string_list | integer_list; allow_empty lets a list be
    empty. min / max bound numbers and list items (inclusive); nullable allows null; values
    limits a list's items; ascending requires strictly increasing items; one_of_var requires
    the value to be an item of another var. A new var gets a line here (a test fails until it
    has one) and a row in docs/vars.md. -#}
{% macro pql_var_rules() %}
    {{ return([
        {'name': 'pql_raw_database', 'kind': 'identifier', 'nullable': true},
        {'name': 'pql_raw_schema', 'kind': 'identifier'},
        {'name': 'pql_unpaid_plans', 'kind': 'string_list'},
        {'name': 'pql_paying_statuses', 'kind': 'string_list'},
        {'name': 'pql_lookback_days', 'kind': 'integer', 'min': 0, 'max': 3650},
        {'name': 'pql_future_tolerance_hours', 'kind': 'integer', 'min': 0, 'max': 8760},
        {'name': 'pql_active_seat_days', 'kind': 'integer', 'min': 1, 'max': 3650, 'one_of_var': 'pql_usage_windows'},
        {'name': 'pql_usage_windows', 'kind': 'integer_list', 'min': 1, 'max': 3650},
        {'name': 'pql_invite_sent_event', 'kind': 'event_name'},
        {'name': 'pql_invite_accepted_event', 'kind': 'event_name'},
        {'name': 'pql_min_days_before_demotion', 'kind': 'integer', 'min': 0, 'max': 3650},
        {'name': 'pql_requalify_cooldown_days', 'kind': 'integer', 'min': 0, 'max': 3650},
        {'name': 'pql_signal_decay_weight', 'kind': 'number', 'min': 0, 'max': 1},
        {'name': 'pql_conversion_events', 'kind': 'string_list', 'values': ['paid_subscription_started', 'subscription_reactivated', 'mrr_increased', 'opportunity_created', 'opportunity_won']},
        {'name': 'pql_expansion_conversion_events', 'kind': 'string_list', 'values': ['paid_subscription_started', 'subscription_reactivated', 'mrr_increased', 'opportunity_created', 'opportunity_won']},
        {'name': 'pql_new_business_opportunity_types', 'kind': 'string_list'},
        {'name': 'pql_expansion_opportunity_types', 'kind': 'string_list'},
        {'name': 'pql_conversion_window_days', 'kind': 'integer', 'min': 1, 'max': 3650},
        {'name': 'pql_backtest_window_days', 'kind': 'integer', 'min': 1, 'max': 3650},
        {'name': 'pql_lift_observation_days', 'kind': 'integer', 'min': 1, 'max': 3650},
        {'name': 'pql_lift_min_sample', 'kind': 'integer', 'min': 1, 'max': 1000000000},
        {'name': 'pql_confidence_z', 'kind': 'number', 'min': 0.01, 'max': 10},
        {'name': 'pql_speed_to_lead_sla_hours', 'kind': 'integer', 'min': 1, 'max': 8760},
        {'name': 'pql_speed_to_lead_window_days', 'kind': 'integer', 'min': 1, 'max': 3650},
        {'name': 'pql_funnel_segments', 'kind': 'string_list', 'values': ['signup_source', 'plan', 'persona', 'company_size']},
        {'name': 'pql_company_size_bands', 'kind': 'integer_list', 'min': 1, 'max': 10000000, 'ascending': true},
        {'name': 'pql_override_crm_owner', 'kind': 'boolean'},
        {'name': 'pql_max_users_per_anonymous_id', 'kind': 'integer', 'min': 1, 'max': 1000000},
        {'name': 'pql_min_record_date', 'kind': 'date'},
        {'name': 'pql_max_record_future_days', 'kind': 'integer', 'min': 1, 'max': 36500},
        {'name': 'pql_known_activity_types', 'kind': 'string_list'},
        {'name': 'pql_known_opportunity_types', 'kind': 'string_list'},
        {'name': 'pql_known_subscription_statuses', 'kind': 'string_list'},
        {'name': 'pql_earliest_plausible_load_time', 'kind': 'date'},
        {'name': 'pql_billing_shape', 'kind': 'choice', 'values': ['auto', 'change_log', 'current_state']},
        {'name': 'pql_absent_raw_tables', 'kind': 'string_list', 'allow_empty': true, 'values': ['subscriptions', 'crm_accounts', 'crm_contacts', 'crm_opportunities', 'crm_activities']},
        {'name': 'pql_learned_score_enabled', 'kind': 'boolean'},
        {'name': 'pql_learned_score_model', 'kind': 'choice', 'values': ['logistic_regression', 'gradient_boosting']},
        {'name': 'pql_learned_score_calibration', 'kind': 'choice', 'values': ['sigmoid', 'isotonic']},
        {'name': 'pql_learned_score_min_examples', 'kind': 'integer', 'min': 1, 'max': 1000000000},
        {'name': 'pql_learned_score_leakage_auc', 'kind': 'number', 'min': 0.5, 'max': 1},
        {'name': 'pql_learned_score_validation_share', 'kind': 'number', 'min': 0.05, 'max': 0.9},
        {'name': 'pql_learned_score_regularisation_c', 'kind': 'number', 'min': 0.000001, 'max': 1000000},
        {'name': 'pql_learned_score_seed', 'kind': 'integer', 'min': 0, 'max': 2147483647},
        {'name': 'pql_learned_score_band_percentiles', 'kind': 'integer_list', 'min': 1, 'max': 99, 'ascending': true},
    ]) }}
{% endmacro %}
