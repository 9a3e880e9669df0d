"""Chokepoint model library: export thresholds → chip access → stockpile → capability.

The front door is ``run(scenario) -> Result``; scenarios come from ``load_scenario``. Nothing here
imports Streamlit.
"""

from .catalog import CHIPS, CHIPS_BY_NAME, Chip, custom_chip, get_chip
from .errors import MissingSpecError, ScenarioError
from .levers import CONTRACT_LEVERS, LEVERS, UNCERTAIN_LEVERS
from .model import MODEL_VERSION, SUMMARY_KEYS, Result, run, status_table
from .rules import RULES, Classification, Rule, classify, custom_rule, get_rule
from .scenario import Scenario, list_presets, load_scenario

__version__ = MODEL_VERSION

__all__ = [
    "CHIPS", "CHIPS_BY_NAME", "Chip", "custom_chip", "get_chip", "MissingSpecError", "ScenarioError", "CONTRACT_LEVERS",
    "LEVERS", "UNCERTAIN_LEVERS", "MODEL_VERSION", "SUMMARY_KEYS", "Result", "run", "status_table", "RULES",
    "Classification", "Rule", "classify", "custom_rule", "get_rule", "Scenario", "list_presets", "load_scenario",
]
