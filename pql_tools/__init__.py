"""Tools around the dbt project (not in it): the demo summary and the benchmark."""
