{#- The learned score's validation report: per definition, the model and the rule-based
    definition side by side on the same held-out weeks, or why the model refused to score. -#}
with

validation as (
    {{ learned_score_records('validation', [
        ('definition_id', dbt.type_string()),
        ('status', dbt.type_string()),
        ('message', dbt.type_string()),
        ('model_kind', dbt.type_string()),
        ('train_from', 'date'),
        ('train_to', 'date'),
        ('validation_from', 'date'),
        ('validation_to', 'date'),
        ('train_rows', dbt.type_bigint()),
        ('train_positives', dbt.type_bigint()),
        ('validation_rows', dbt.type_bigint()),
        ('validation_positives', dbt.type_bigint()),
        ('feature_count', dbt.type_bigint()),
        ('leakage_features', dbt.type_string()),
        ('model_auc', dbt.type_numeric()),
        ('rule_auc', dbt.type_numeric()),
        ('model_brier', dbt.type_numeric()),
        ('rule_brier', dbt.type_numeric()),
        ('model_top_decile_lift', dbt.type_numeric()),
        ('rule_top_decile_lift', dbt.type_numeric()),
        ('model_top_decile_capture', dbt.type_numeric()),
        ('rule_top_decile_capture', dbt.type_numeric()),
        ('rule_volume', dbt.type_bigint()),
        ('model_precision_at_rule_volume', dbt.type_numeric()),
        ('rule_precision', dbt.type_numeric()),
        ('model_capture_at_rule_volume', dbt.type_numeric()),
        ('rule_capture', dbt.type_numeric()),
    ]) }}
),

final as (
    select * from validation
)

select * from final
