-- SQL guard (docs/config_without_python.md): the columns that steer the threshold engine are
-- present and hold a known value. Required columns are filled; entity, motion, category and
-- aggregation are one of their documented values; the expansion motion is for accounts;
-- distinct_users counts users in an account; distinct_property_values, sum, max and avg need a
-- property_key and no other aggregation takes one; a rolling aggregation has a window and
-- first_time none; disqualifies is true or false, and a disqualifier has weight 0 and no
-- lifespan.
-- One row per problem: file, definition, signal, column, the value and what is wrong.
{%- set checks = [
    ('pql_definitions', 'entity', "entity is null or entity not in ('user', 'account')", 'must be user or account'),
    ('pql_definitions', 'motion', "motion is null or motion not in ('new_business', 'expansion')", 'must be new_business or expansion'),
    ('pql_definitions', 'motion', "entity = 'user' and motion = 'expansion'", 'the expansion motion is for accounts (paying workspaces), not users'),
    ('pql_definitions', 'score_threshold', 'score_threshold is null', 'is required'),
    ('pql_signals', 'signal_id', 'signal_id is null', 'is required'),
    ('pql_signals', 'category', "category is null or category not in ('activation', 'usage', 'expansion', 'intent', 'fit')", 'must be activation, usage, expansion, intent or fit'),
    ('pql_signals', 'event_names', 'event_names is null', 'is required'),
    ('pql_signals', 'aggregation', "aggregation is null or aggregation not in ('count', 'active_days', 'distinct_users', 'distinct_property_values', 'distinct_events', 'sum', 'max', 'avg', 'count_growth', 'first_time')", 'must be count, active_days, distinct_users, distinct_property_values, distinct_events, sum, max, avg, count_growth or first_time'),
    ('pql_signals', 'aggregation', "aggregation = 'distinct_users' and entity <> 'account'", 'distinct_users counts users in an account; use it in account definitions'),
    ('pql_signals', 'property_key', "aggregation in ('distinct_property_values', 'sum', 'max', 'avg') and property_key is null", 'is required: the aggregation reads this property'),
    ('pql_signals', 'property_key', "aggregation not in ('distinct_property_values', 'sum', 'max', 'avg') and property_key is not null", 'only distinct_property_values, sum, max and avg use it'),
    ('pql_signals', 'threshold_max', "aggregation = 'first_time' and threshold_max is not null", 'must be empty for first_time (a milestone has no value to bound)'),
    ('pql_signals', 'disqualifies', "disqualifies not in ('true', 'false')", 'must be true or false'),
    ('pql_signals', 'weight', "disqualifies = 'true' and " ~ dbt.safe_cast('weight', type_double()) ~ " <> 0", 'must be 0 for a disqualifier (it blocks qualification, adds no points)'),
    ('pql_signals', 'lifespan_days', "disqualifies = 'true' and " ~ dbt.safe_cast('lifespan_days', dbt.type_bigint()) ~ " <> 0", 'must be empty or 0 for a disqualifier (it holds while it fires)'),
    ('pql_signals', 'window_days', "aggregation = 'first_time' and window_days is not null", 'must be empty for first_time (a milestone has no window)'),
    ('pql_signals', 'window_days', "aggregation <> 'first_time' and window_days is null", 'is required for a rolling aggregation (days in the window)'),
    ('pql_signals', 'threshold', 'threshold is null', 'is required'),
    ('pql_signals', 'weight', 'weight is null', 'is required'),
    ('pql_signals', 'reason_template', 'reason_template is null', 'is required'),
] %}
{{ pql_config_problems(checks) }}
