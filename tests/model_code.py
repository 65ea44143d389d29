"""Import a Python dbt model file as a module, so pytest can test its pure functions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.support import REPO_ROOT


def load_model(relative_path: str):
    path = REPO_ROOT / relative_path
    name = "pql_model_" + Path(relative_path).stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
