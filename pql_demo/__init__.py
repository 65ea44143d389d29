"""pql_demo: a deterministic demo warehouse for the pql dbt project.

Simulates a product-led SaaS (workspaces, users, product events, billing, CRM) with a planted
intent signal and the bad input of docs/bad_input.md, and writes it to DuckDB: the raw input
contract in schema `raw`, ground truth in schema `pql_demo_truth`. See docs/demo_data.md.

    >>> from pql_demo import generate, conversion_stats
    >>> counts = generate("demo.duckdb", accounts=2000, days=180, seed=42)
"""

__version__ = "0.1.0"

from pql_demo.contract import RAW_CONTRACT, RAW_TABLES, TRUTH_CONTRACT  # noqa: E402
from pql_demo.generator import generate  # noqa: E402
from pql_demo.stats import conversion_stats, format_stats  # noqa: E402

__all__ = [
    "RAW_CONTRACT",
    "RAW_TABLES",
    "TRUTH_CONTRACT",
    "__version__",
    "conversion_stats",
    "format_stats",
    "generate",
]
