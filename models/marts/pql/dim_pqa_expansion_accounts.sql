{{ pqa_accounts_mart('expansion') }}
