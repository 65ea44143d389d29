{#- What the learned score learned, per definition and feature: its effect on the score, its
    AUC alone (and whether that is too good to be true: likely leakage, left out), and for the
    configured signals the points the model suggests beside the current weight. -#}
with

features as (
    {{ learned_score_records('feature', [
        ('definition_id', dbt.type_string()),
        ('feature_name', dbt.type_string()),
        ('feature_label', dbt.type_string()),
        ('effect', dbt.type_numeric()),
        ('single_feature_auc', dbt.type_numeric()),
        ('is_leakage_suspect', dbt.type_boolean()),
        ('is_used', dbt.type_boolean()),
        ('current_weight', dbt.type_numeric()),
        ('suggested_weight', dbt.type_numeric()),
    ]) }}
),

final as (
    select
        definition_id || '|' || feature_name as learned_feature_id,
        *
    from features
)

select * from final
