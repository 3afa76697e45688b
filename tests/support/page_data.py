"""Reading the data a page hands its scripts (JSON blocks), for page tests."""

import json
import re


def setup_block(html: str) -> dict:
    """The train page's `train-setup` JSON block."""
    match = re.search(r'<script type="application/json" id="train-setup">(.*?)</script>', html, re.S)
    assert match, "no train-setup data block"
    return json.loads(match.group(1))
