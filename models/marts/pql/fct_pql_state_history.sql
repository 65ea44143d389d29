{{ pql_state_history_mart('user') }}
