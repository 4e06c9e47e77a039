"""The customer portal: every route in ``blueprint.py``, one controller module per resource."""
