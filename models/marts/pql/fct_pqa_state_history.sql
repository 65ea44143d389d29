{{ pql_state_history_mart('account') }}
